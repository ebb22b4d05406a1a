"""Citizenship names as the CBP and OHSS tables spell them, mapped to ISO 3166-1 alpha-2.

Names not in this table (and OHSS's "Unknown" and the former "Serbia and Montenegro") become
``OTHER``. Kosovo uses ``XK``, the user-assigned code the EU and the CLDR use.
"""

from __future__ import annotations

OTHER = "OTHER"

ISO_BY_NAME: dict[str, str] = {
    "Afghanistan": "AF", "Albania": "AL", "Algeria": "DZ", "Angola": "AO", "Antigua and Barbuda": "AG",
    "Argentina": "AR", "Armenia": "AM", "Australia": "AU", "Azerbaijan": "AZ", "Bahamas": "BS",
    "Bangladesh": "BD", "Belarus": "BY", "Belize": "BZ", "Benin": "BJ", "Bhutan": "BT", "Bolivia": "BO",
    "Brazil": "BR", "Bulgaria": "BG", "Burkina Faso": "BF", "Burma": "MM", "Burundi": "BI",
    "Cambodia": "KH", "Cameroon": "CM", "Canada": "CA", "Chad": "TD", "Chile": "CL",
    "China, People's Republic": "CN", "Colombia": "CO", "Congo, Democratic Republic": "CD",
    "Congo, Republic": "CG", "Costa Rica": "CR", "Cote d'Ivoire": "CI", "Cuba": "CU", "Czechia": "CZ",
    "Djibouti": "DJ", "Dominica": "DM", "Dominican Republic": "DO", "Ecuador": "EC", "Egypt": "EG",
    "El Salvador": "SV", "Equatorial Guinea": "GQ", "Eritrea": "ER", "Ethiopia": "ET", "France": "FR",
    "Gambia": "GM", "Georgia": "GE", "Germany": "DE", "Ghana": "GH", "Greece": "GR", "Guatemala": "GT",
    "Guinea": "GN", "Guinea-Bissau": "GW", "Guyana": "GY", "Haiti": "HT", "Honduras": "HN",
    "Hungary": "HU", "India": "IN", "Indonesia": "ID", "Iran": "IR", "Iraq": "IQ", "Ireland": "IE",
    "Israel": "IL", "Italy": "IT", "Jamaica": "JM", "Japan": "JP", "Jordan": "JO", "Kazakhstan": "KZ",
    "Kenya": "KE", "Korea, South": "KR", "Kosovo": "XK", "Kyrgyzstan": "KG", "Laos": "LA",
    "Lebanon": "LB", "Liberia": "LR", "Lithuania": "LT", "Malaysia": "MY", "Mali": "ML",
    "Mauritania": "MR", "Mauritius": "MU", "Mexico": "MX", "Moldova": "MD", "Mongolia": "MN",
    "Morocco": "MA", "Mozambique": "MZ", "Nepal": "NP", "Netherlands": "NL", "New Zealand": "NZ",
    "Nicaragua": "NI", "Niger": "NE", "Nigeria": "NG", "North Macedonia": "MK", "Pakistan": "PK",
    "Panama": "PA", "Paraguay": "PY", "Peru": "PE", "Philippines": "PH", "Poland": "PL",
    "Portugal": "PT", "Qatar": "QA", "Romania": "RO", "Russia": "RU", "Rwanda": "RW",
    "Saudi Arabia": "SA", "Senegal": "SN", "Serbia": "RS", "Sierra Leone": "SL", "Slovakia": "SK",
    "Somalia": "SO", "South Africa": "ZA", "Spain": "ES", "Sri Lanka": "LK", "Sudan": "SD",
    "Suriname": "SR", "Sweden": "SE", "Syria": "SY", "Taiwan": "TW", "Tajikistan": "TJ",
    "Tanzania": "TZ", "Thailand": "TH", "Togo": "TG", "Trinidad and Tobago": "TT", "Tunisia": "TN",
    "Turkey": "TR", "Turkmenistan": "TM", "Uganda": "UG", "Ukraine": "UA", "United Kingdom": "GB",
    "Uruguay": "UY", "Uzbekistan": "UZ", "Venezuela": "VE", "Vietnam": "VN", "Yemen": "YE",
    "Zimbabwe": "ZW",
}  # fmt: skip

#: Readable names for the codes, for chart legends and tables.
NAME_BY_ISO: dict[str, str] = {code: name for name, code in ISO_BY_NAME.items()} | {
    "CN": "China",
    "KR": "South Korea",
    "CD": "DR Congo",
    OTHER: "Other",
}


def display_name(code: str) -> str:
    """A readable country name for an ISO alpha-2 code (or ``Other``)."""
    return NAME_BY_ISO.get(code, code)
