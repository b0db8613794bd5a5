"""The user's fields from CAS attributes; the attribute names are settings (CAS_ATTRIBUTES)."""

from django.conf import settings

from accounts.models import User

# Field name -> maximum length, as the user model stores it.
PROFILE_FIELDS = {
    name: User._meta.get_field(name).max_length
    for name in ("display_name", "first_name", "last_name", "email", "affiliation")
}


def single_value(value):
    # A multi-valued attribute (several affiliations, several mails) fills a one-value field with
    # its first value; the whole list stays in User.attributes for visibility rules.
    if isinstance(value, list | tuple):
        value = next((item for item in value if item), "")
    return str(value or "").strip()


def profile_from(identity):
    """The user fields the CAS identity gives a value to: {field: value}, attributes included."""
    names = settings.CAS_ATTRIBUTES
    fields = {}
    for field, max_length in PROFILE_FIELDS.items():
        value = single_value(identity.attributes.get(names[field]))
        if field == "email":
            # A cut address would be someone else's: too long, it is left out.
            value = value.lower() if len(value) <= max_length else ""
        if value:
            fields[field] = value[:max_length]
    fields["attributes"] = dict(identity.attributes)
    return fields
