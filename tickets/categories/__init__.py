"""Categories: each service's tree, and which categories a ticket may be filed in (``tree``)."""
