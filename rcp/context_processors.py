"""What every public page's header needs: its address in each language, and its canonical URL."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def site_links(request):
    path = request.path
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name_local": info["name_local"],
                # With the query string, so switching language keeps a search.
                "url": translate_url(request.get_full_path(), code),
                "is_current": code == get_language(),
            }
        )
    return {
        "language_links": languages,
        "canonical_url": request.build_absolute_uri(path),
        "default_language_url": request.build_absolute_uri(
            translate_url(path, settings.LANGUAGE_CODE)
        ),
    }
