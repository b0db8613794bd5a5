"""Running a service from the portal: its properties, categories, managers, visibility rules and saved
responses. Each change checks its privilege on the server and writes one ``AdminChange`` (``audit``)."""
