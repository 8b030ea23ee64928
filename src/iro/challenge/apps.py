from django.apps import AppConfig


class ChallengeConfig(AppConfig):
    name = "iro.challenge"
    verbose_name = "Disputes, challenges, advocacy and feedback"
