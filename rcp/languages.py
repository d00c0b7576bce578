"""Which language a request is answered in.

Public pages take it from their address only: English at /, French under /fr/, Spanish under
/es/ (i18n_patterns in tripoli/urls.py), whatever the browser prefers, so that every address
has one language for readers, caches and search engines. The admin, outside those addresses,
follows the editor's browser (Accept-Language, or Django's language cookie) among LANGUAGES,
so that French- and Spanish-speaking editors can work in their language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class SiteLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        super().process_request(request)
        if request.path_info.startswith("/" + settings.ADMIN_URL):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
