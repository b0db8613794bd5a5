from email import message_from_bytes

from django.core.mail import EmailMultiAlternatives


def test_each_message_becomes_one_eml_file(settings, tmp_path):
    settings.MAILERS = {
        "default": {"BACKEND": "helpdesk.mail.EmlFileBackend", "OPTIONS": {"file_path": str(tmp_path / "mail")}}
    }
    message = EmailMultiAlternatives("Clôture demandée", "Texte", "assistance@univ.example", ["seclier5@univ.example"])
    message.attach_alternative("<p>Texte</p>", "text/html")
    message.send()
    EmailMultiAlternatives("Deuxième", "Texte", "assistance@univ.example", ["a@univ.example"]).send()

    files = sorted((tmp_path / "mail").iterdir())
    assert [path.suffix for path in files] == [".eml", ".eml"]
    parsed = message_from_bytes(files[0].read_bytes())
    assert parsed["To"] == "seclier5@univ.example"
    assert parsed.is_multipart()
