import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a superuser for local use, with a generated password printed once, "
        "unless a superuser already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username: str, url: str, **options):
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing:
            self.stdout.write(
                f"Admin: log in at {url} as “{existing.get_username()}”. Forgotten the "
                f"password? Run: .venv/bin/python manage.py changepassword "
                f"{existing.get_username()}"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created a local admin. Log in at {url} as “{username}” "
                f"with password: {password}\n"
                "(shown once; keep it, or change it with "
                f".venv/bin/python manage.py changepassword {username})"
            )
        )
