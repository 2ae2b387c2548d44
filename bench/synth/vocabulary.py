"""Words of the synthetic memos and the rates at which they carry mentions and notes.

Kept apart from the code that assembles memos so that the densities (tuned against the Heritage
backgrounder) and the word lists can be read and changed in one place.
"""

from __future__ import annotations

# Rates tuned so that built memo pages show the Heritage backgrounder's densities: per 1,000 visible
# words 38 term and 82 entity mentions (Heritage, same code: 42 and 83).
TERM_RATE = 0.033  # chance that a word slot becomes a glossary term (plus "U.S." below)
US_RATE = 0.016  # "U.S.": the most frequent acronym of the real memos, a term linked to an entity
ENTITY_RATE = 0.088  # chance that a word slot becomes an entity mention (names are 1-4 words)
NOTES_PER_MEMO = (13, 17)
WORDS_PER_MEMO = (1250, 2100)  # body; notes add about 200 more
WORDS_PER_PAGE = 450  # of the original typescript, for page breaks and the ``pages`` field

def _w(text: str) -> list[str]:
    """Word lists are written as running text: easier to read and extend than list literals."""
    return text.split()

# Filler prose: lowercase words only, in the register of the memos. Function words are repeated
# so that their share of the text is roughly what it is in English prose.
_FUNCTION = _w(
    "the the the the the the of of of of and and and to to to in in in a a that for for is on with as by its has "
    "be this are from not but or have which their will more would been also its than such these other"
)
_CONTENT = _w(
    "defense technology cooperation security industrial export policy officials government programs transfer "
    "transfers military research development agreement agreements controls trade relations industry interest "
    "concern support request requests approval licensing procedures companies firms equipment systems capabilities "
    "production procurement exchange exchanges commercial strategic economic political domestic foreign allied "
    "bilateral joint review framework arrangements measures restrictions progress position approach proposal "
    "issue issues question questions report reports study studies assessment estimate analysis evidence sources "
    "pressure criticism response reaction decision decisions effort efforts initiative steps discussions "
    "negotiations talks meetings visits delegations ministry agency office staff budget funding appropriations "
    "contracts contractors suppliers markets sales components materials machinery tools electronics optics "
    "sensors computers software communications aircraft missiles ships submarines satellites radar engines "
    "alliance allies partners counterparts administration cabinet legislature committee leadership bureaucracy "
    "enforcement violations investigation penalties licences diversion leakage acquisition collection espionage "
    "officers visas travel embassy consulate mission representatives delegates observers experts engineers "
    "scientists managers executives shareholders subsidiaries affiliates licensees recent current future "
    "important major significant limited considerable substantial modest gradual rapid cautious active formal "
    "informal public private official unofficial senior junior technical scientific advanced sensitive critical "
    "possible likely unlikely clear uncertain difficult effective necessary sufficient broader narrower stronger "
    "weaker greater smaller higher lower earlier later continued increased reduced improved tightened relaxed "
    "expanded limited proposed approved rejected delayed concluded signed announced reported noted stated argued "
    "emphasized warned suggested recommended indicated confirmed denied acknowledged considered reviewed "
    "discussed raised pressed sought offered accepted declined allowed permitted prohibited restricted "
    "encouraged discouraged promoted protected exploited underscored reflected affected involved covered "
    "governed handled managed directed coordinated monitored tracked identified assessed examined "
    "year years months period decade time stage phase level degree extent scope range share volume value "
    "cost costs price prices balance deficit surplus growth decline competition competitors advantage risk risks "
    "benefit benefits opportunity opportunities precedent precedents principle principles guidelines rules "
    "channel channels basis framework terms conditions provisions exceptions category categories list lists "
    "region area sector field market network community circles side sides view views attitude attitudes"
)
FILLER = _FUNCTION * 3 + _CONTENT
CAPITALISED = sorted({w.capitalize() for w in _CONTENT if len(w) > 3})

# Technical vocabulary for the glossary's lowercase terms; kept apart from the filler so that a term
# occurs only where the generator puts it.
TECH_ADJ = _w(
    "phased millimetric electro-optical inertial cryogenic composite ceramic gallium fibre-optic laser-guided "
    "infrared ultraviolet acoustic seismic hypersonic supersonic stealthy hardened miniaturized rad-tolerant "
    "tactical anti-armour counter-battery over-the-horizon look-down multimode dual-use heavy-lift vertical "
    "unmanned remote high-power low-noise wideband narrowband synthetic-aperture frequency-agile jam-resistant"
)
TECH_NOUN = _w(
    "array seeker gyroscope radome airframe turbofan propellant warhead fuze datalink transponder waveguide "
    "magnetron klystron photodiode wafer substrate lattice alloy coating sonar hydrophone periscope torpedo "
    "decoy jammer emitter receiver antenna processor interferometer rangefinder designator tracker launcher "
    "canister booster sustainer nozzle actuator servo bearing gearbox lathe milling-machine propeller "
    "hull-form rotorcraft drone sensor-fusion fire-control guidance telemetry encryption"
)
assert not set(TECH_ADJ + TECH_NOUN) & set(FILLER), "technical terms must not be filler words"

# Capitalised words for acronym expansions and committee names, by initial.
_EXPANSION_WORDS = _w(
    "Advanced Allied Armaments Assessment Board Bureau Bilateral Command Committee Council Cooperation Center "
    "Control Defense Development Directorate Electronic Engineering Equipment Export Forum Federation Group "
    "General Industrial Industry Intelligence International Initiative Joint Japanese Liaison Logistics "
    "Maritime Military Mutual Naval National Office Operations Ordnance Pacific Planning Policy Procurement "
    "Program Production Research Review Regional Security Strategic Systems Technical Technology Task Trade "
    "Unified Underwater Vehicle Weapons Working"
)
BY_INITIAL: dict[str, list[str]] = {}
for _word in _EXPANSION_WORDS:
    BY_INITIAL.setdefault(_word[0], []).append(_word)
ACRONYM_LETTERS = "".join(sorted(BY_INITIAL))

SYLLABLES = _w(
    "ka ki ku ko sa shi su se so ta to tsu na ni no ha hi fu ho ma mi mo ya yo ra ri ro wa da do ga go ba be "
    "zu ji ke ne mu nu"
)
EN_PREFIX = _w("Ash Brad Carl Dal Elling Fair Gold Hal Hart Kirk Lang Mar Nor Pem Ross Stan Thorn Wal Whit Win Har Brook Ches Dun")
EN_SUFFIX = _w("by croft dale field ford ham hurst ley ton well wood worth mont stead wick more burn ridge")
JA_GIVEN = _w("Hiroshi Kenji Takeo Yoshio Masao Ichiro Shigeru Tadashi Noboru Kazuo Akira Susumu Toshio Yukio Haruki Makoto")
EN_GIVEN = _w("Richard William James Robert Charles Donald George Thomas Frank Edward Paul Lawrence Walter Harold Ruth Helen")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
BIB_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
CITIES = ["Tokyo", "Washington", "New York", "Boston", "London", "Osaka", "Santa Monica", "Stanford", "Ithaca"]
PUBLISHERS = [
    "The Japan Times, Ltd.", "Government Printing Office", "Westview Press", "Pergamon Press", "Columbia University Press",
    "Lexington Books", "Praeger", "Kodansha International", "Brookings Institution", "Cornell University Press",
]
JOURNAL_STEMS = ["Defense", "Aviation", "Pacific", "Asian", "Strategic", "Foreign", "Armed Forces", "Naval", "Trade", "Economic"]
JOURNAL_TAILS = ["Review", "Quarterly", "Journal", "Affairs", "Week", "Survey", "Monthly", "Report", "Digest", "Bulletin"]

ISSUERS: list[tuple[str, str, bool]] = [  # (issuing body, document type, sanitized release with 25X1 markings)
    ("Central Intelligence Agency, Directorate of Intelligence, Office of East Asian Analysis", "Intelligence memorandum", True),
    ("Central Intelligence Agency, Directorate of Intelligence, Office of Global Issues", "Research paper", True),
    ("Central Intelligence Agency, National Intelligence Council", "Intelligence assessment", True),
    ("The Heritage Foundation", "Backgrounder (policy paper)", False),
    ("Department of State, Bureau of Intelligence and Research", "Intelligence brief", False),
    ("Department of Defense, Office of the Under Secretary for Policy", "Memorandum", False),
    ("Department of Commerce, International Trade Administration", "Staff study", False),
    ("National Security Council", "Memorandum for the Assistant to the President", False),
]

