from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "iro.documents"
    verbose_name = "Family-facing documents"
