"""The SMTP relay, from the environment (HIFAZAT_SMTP_*). The password is a SecretStr, so it
never shows in a repr, a log line or a validation error."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from hifazat.notify.channels import SmtpChannel


class SmtpSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HIFAZAT_SMTP_", extra="ignore")

    #: no host: e-mail channels fail (and are retried) until one is configured
    host: str | None = None
    port: int = 25
    sender: str = "hifazat@localhost"
    user: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    timeout: float = 30.0

    def channel(self) -> SmtpChannel | None:
        if not self.host:
            return None
        return SmtpChannel(
            self.host,
            self.port,
            self.sender,
            starttls=self.starttls,
            username=self.user,
            password=self.password.get_secret_value() if self.password else None,
            timeout=self.timeout,
        )
