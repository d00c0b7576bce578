"""Settings for the load benchmark (bench/load.py): the site's own, plus two bench-only pages
(bench/urls.py) and 1,000 made-up countries for the query-count figure (the world has 249)."""

from itertools import product
from string import ascii_uppercase, digits

from django_countries.data import COUNTRIES

from tripoli.settings import *  # noqa: F403
from tripoli.settings import COUNTRIES_OVERRIDE

ROOT_URLCONF = "bench.urls"

#: Two-character codes that ISO 3166 does not use ("00", "0A"..., "Z9", "ZZ" if free).
BENCH_COUNTRY_CODES = [
    code
    for code in ("".join(pair) for pair in product(digits + ascii_uppercase, repeat=2))
    if code not in COUNTRIES
][:1000]
COUNTRIES_OVERRIDE = {
    **COUNTRIES_OVERRIDE,
    **{code: f"Benchland {code}" for code in BENCH_COUNTRY_CODES},
}
