import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the development web server and a Trato worker (trato_worker) together; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: Any, host: str, port: str, **options: Any) -> None:
        manage = [sys.executable, "manage.py"]
        worker = subprocess.Popen([*manage, "trato_worker", "--interval", "1", "--no-startup-delay"])
        web = subprocess.Popen([*manage, "runserver", f"{host}:{port}"])
        self.stdout.write(self.style.SUCCESS(f"Trato runs at http://{host}:{port}/ (Ctrl-C stops it)"))
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for process in (web, worker):
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in (web, worker):
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
