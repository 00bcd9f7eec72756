"""The ask check: a prediction stands only if its answer gives what the question asks for.

The agreement gate (agreement.py) checks that a question is *about* the chosen intent's
topic. Most of the confident answers to a different question that remain are on topic but
ask for something the topic's answer does not give: "what is the pass rate of the IR oral
boards?" is about ABR certification, whose answer has no pass rate; "how many CME credits
does the annual meeting give?" is about the meeting, whose answer has no credits. This
component, placed after the gate, finds what such a question asks for (its *focus*) and
sends the prediction to the fallback when the chosen intent's answer does not hold it:

- a count or amount ("how many X", "how much X"): X must appear in the answer; "how much is
  it" asks for a price (a "$" figure), "how many years" for a duration;
- a rate ("pass rate", "acceptance rate"): the same rate must appear in the answer;
- a share ("what percentage / fraction of ..."): the answer must give a percentage;
- a list or ranking of institutions ("which programs ...", "best schools ..."), a
  prediction ("next year", "in 10 years", "in the future") or an opinion ("do you think",
  "does it look bad", "is it true"): no answer gives these unless configured;
- earnings ("salary", "earn", "compensation"): no answer gives them;
- odds ("how competitive is it to get an ESIR spot?", "what are my chances of matching"):
  only an answer with match figures (filled positions, fill or match rates) gives them;
- money for trainees (stipends, scholarships, travel grants), study advice ("best way to
  prepare for the certifying exam") and rank lists: only an answer that speaks of them;
- another specialty ("is dermatology more competitive than ortho?"): the answer must be
  about that specialty;
- a named institution ("the ESIR program at Baylor"): some answer must name it.

A question in a patient's voice about their own care ("can I shower with my drain in?",
"how long will the pain last after the procedure?") asks for medical advice, whatever
career topic its words resemble: it goes to `medical_advice` (the kind refusal that points
to a physician), unless it was recognised as an emergency. The other way round, a career
question taken for a medical one ("what advice can you give a medical student interested
in both?") goes to the fallback, not to the refusal, unless it speaks of someone's health;
and a question about one's own health that would otherwise get "I don't know" ("will a UFE
cause me to enter menopause?") gets the kind refusal.

The answers are read from the domain's responses (`utter_<intent>`; every `utter_pathway_…`
for pathway_details) when the model is trained; answers written by actions are described
in the config (`answer_words`). An intent without a known answer is never checked, nor one
whose answer itself says it has no information (staff often add such intents: "I don't
have information about parking at SIR meetings"), since the fallback would say the same.
Never checked: the intents the gate exempts (emergencies, medical refusals, "I can't
answer" intents). The functions below are pure and tested directly.
"""

from __future__ import annotations

import hashlib
import re
from itertools import pairwise
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.routing import reroute
from bot.nlu.saved_state import JsonStateComponent
from bot.rasa_ext import NLU_FALLBACK

ANSWERS_FILE = "answers.json"

PRICE, DURATION, PERCENT, LIST, FUTURE, OPINION, EARNINGS, ODDS, FUNDING, STUDY, RANKING = (
    "@price",
    "@duration",
    "@percent",
    "@list",
    "@future",
    "@opinion",
    "@earnings",
    "@odds",
    "@funding",
    "@study",
    "@ranking",
)

WORDS = re.compile(r"[a-z0-9$%][a-z0-9$%/-]*")
AUXILIARY = {
    "is", "are", "was", "were", "do", "does", "did", "should", "would", "can", "could",
    "will", "have", "has", "it", "i", "you", "we", "they", "of",
}  # fmt: skip
# Words between "how many" and what is counted.
NOT_COUNTED = {
    "the", "a", "an", "more", "other", "different", "total", "in", "on", "for", "to",
    "your", "my", "our", "their", "ir", "interventional", "radiology", "new", "old", "top",
    "good", "current", "residency", "ir/dr", "integrated", "independent", "esir", "sir",
    "dr", "med", "medical",
}  # fmt: skip
TIME_UNITS = {"year", "month", "week", "day", "hour", "time", "long"}
# What is counted, said the way the answers say it.
SAME_AS = {
    "lor": "letter",
    "spot": "position",
    "slot": "position",
    "seat": "position",
    "people": "member",
    "trainee": "member",
}
RATE = re.compile(r"\b([a-z]+) rates?\b")
SHARE = re.compile(r"\b(what|which) (percent|percentage|fraction|proportion|ratio)\b|\bwhat % ")
INSTITUTIONS = re.compile(
    r"\b(which|best|top)\s+(?:[a-z-]+\s+){0,2}(programs|schools|hospitals|institutions"
    r"|universities|cities|states|conferences|question banks?|qbanks?|books)\b"
)
PREDICTION = re.compile(
    r"\bnext year'?s?\b|\bin (the )?(next )?\d+ years\b|\bin 20[3-9]\d\b|\bin the future\b"
    r"|\bwill .{0,40}\b(future|next)\b"
)
OPINION_ASK = re.compile(
    r"\bdo you think\b|\bin your opinion\b|\bwhat have you (all )?heard\b|\blook bad\b"
    r"|\bred flag\b|\bis it true\b"
)
# How competitive something is, or someone's odds: only an answer with match figures
# gives that ("how competitive is ESIR?" is not answered by how ESIR selects).
# "How can I increase my chances of matching" asks for advice, not for the odds.
_IMPROVING = "".join(
    f"(?<!{verb} {whose} )"
    for verb in ("increase", "improve", "boost", "better", "raise", "maximize", "strengthen")
    for whose in ("my", "your", "our", "the")
)
ODDS_ASK = re.compile(
    r"\bhow (competitive|hard|difficult|tough|easy)\b(?!.{0,25}\b(work|job|life|day)\b)"
    r"|\bwhat (are|were|would be) (my|the|our) (chances|odds)\b"
    rf"|{_IMPROVING}\b(chances|odds) of (matching|getting)\b"
)
ODDS_ANSWER = re.compile(r"\bfill(ed|s)?\b|\bfill rates?\b|\bmatch rates?\b", re.I)
# Money for trainees (stipends, scholarships, travel grants): only an answer about funding.
FUNDING_ASK = re.compile(
    r"\b(stipends?|scholarships?|grants?|travel awards?|funding|funded|reimburse\w*"
    r"|financial (aid|support))\b"
)
FUNDING_ANSWER = re.compile(r"\b(stipends?|scholarships?|grants?|funds?|funding|awards?)\b", re.I)
# How to study or prepare for an exam: no answer gives study advice unless it says so.
STUDY_ASK = re.compile(
    r"\b(study|studying|prepare|preparing|prep)\s+for\s+(?:\S+\s+){0,4}?(exams?|boards?|step"
    r"|core|tests?|usmle|comlex|certifying|qualifying)\b"
    r"|\b(how|best way|effective way|ways?) (to|do i|should i|can i|do you)\s+study\b"
    r"|\b(study|prep) (resources|materials|plan|schedule)\b|\b(qbanks?|question banks?)\b"
)
STUDY_ANSWER = re.compile(r"\b(study|studying|prepare for|preparation for|question banks?)\b", re.I)
# How to rank programs (a rank list): an answer must speak of rank lists.
RANKING_ASK = re.compile(r"\bhow (to|do i|should i|do you) rank\b|\brank(ing)? (list|order)s?\b")
RANKING_ANSWER = re.compile(r"\brank (list|order)s?\b", re.I)
# Each kind of ask found by a pattern in the question, and given by one in the answer.
ASKED_BY_PATTERN = (
    (ODDS, ODDS_ASK),
    (FUNDING, FUNDING_ASK),
    (STUDY, STUDY_ASK),
    (RANKING, RANKING_ASK),
)
GIVEN_BY_PATTERN = (
    (ODDS, ODDS_ANSWER),
    (FUNDING, FUNDING_ANSWER),
    (STUDY, STUDY_ANSWER),
    (RANKING, RANKING_ANSWER),
)
EARNINGS_ASK = re.compile(
    r"\b(salary|salaries|earn|earns|earning|earnings|compensation|income|make (more|less|money))\b"
)
# Other specialties, as people write them: the answer must be about the one named.
SPECIALTIES = {
    "dermatology": "dermatology", "derm": "dermatology", "ortho": "orthopedic",
    "orthopedics": "orthopedic", "orthopaedics": "orthopedic", "orthopedic": "orthopedic",
    "plastics": "plastic surgery", "plastic surgery": "plastic surgery",
    "anesthesia": "anesthesi", "anesthesiology": "anesthesi", "psychiatry": "psychiatry",
    "urology": "urology", "ophthalmology": "ophthalmology", "ophtho": "ophthalmology",
    "ent": "otolaryngology", "otolaryngology": "otolaryngology",
    "radiation oncology": "radiation oncology", "rad onc": "radiation oncology",
    "rad-onc": "radiation oncology", "pathology": "pathology", "neurology": "neurology",
    "neurosurgery": "neurosurgery", "nsg": "neurosurgery", "cardiology": "cardiology",
    "cards": "cardiology", "gastroenterology": "gastroenterology",
    "emergency medicine": "emergency medicine", "family medicine": "family",
    "internal medicine": "internal medicine", "general surgery": "general surgery",
    "pediatrics": "pediatric", "obgyn": "ob/gyn", "ob/gyn": "ob/gyn",
}  # fmt: skip
_SPECIALTY_NAMES = "|".join(sorted(map(re.escape, SPECIALTIES), key=len, reverse=True))
SPECIALTY = re.compile(r"\b(" + _SPECIALTY_NAMES + r")\b")
# A specialty the writer is in or leaving ("I'm a general surgery intern", "switching out
# of ortho") is who they are, not what they ask about.
OWN_SPECIALTY = re.compile(
    r"\b(i'm|i am|im|currently|switch(ing)? (out of|from)|leav(e|ing)|coming from"
    r"|transfer(ring)? (out of|from)|as) (an? |in |a pgy-?\d )?(?P<field>"
    + _SPECIALTY_NAMES
    + r")\b"
)
# A patient's voice: "my"/"will I"/"can I" ... about a procedure or device, or care words
# (pain, recovery, shower ...) around "the procedure". No career question in the training
# data, the held-out set or the real questions matches it.
_CARE_OBJECT = (
    r"(procedure|treatment|catheter|drain|tube|port|biopsy|embolization|ablation|angiogram"
    r"|angioplasty|stent|puncture site|incision|sedation)"
)
_CARE = (
    r"(hurt|hurts|painful|pain|awake|recover|recovery|scar|drive|shower|bath|eat|fast"
    r"|fasting|prepare|expect|experience|feel|sore|bleed|bleeding|side effects?|risks?"
    r"|complications?|results?)"
)
PATIENT_VOICE = re.compile(
    r"\b(will i|can i|do i|should i|am i|would i|i have|i had|i'm having|i am having"
    r"|my doctor|my)\b.{0,60}\b" + _CARE_OBJECT + r"\b"
    r"|\b(the|this) " + _CARE_OBJECT + r"\b.{0,40}\b" + _CARE + r"\b"
    r"|\b" + _CARE + r"\b.{0,40}\b(the|this|my) " + _CARE_OBJECT + r"\b"
    r"|\b(before|after|during|following) (the|this|my) " + _CARE_OBJECT + r"\b"
    r"|\bhow long (does|do|will|would|is|are) (the|this|my) " + _CARE_OBJECT + r"s?\b",
    re.IGNORECASE,
)


# Patients also ask impersonally, as in a search box: "recovery after a kidney biopsy",
# "is a picc line painful", "UFE risks". Only without career words (see below).
_PROCEDURE = (
    r"(" + _CARE_OBJECT + r"|ufe|uterine fibroid embolization|pae|prostate artery "
    r"embolization|kyphoplasty|vertebroplasty|paracentesis|thoracentesis|picc( line)?"
    r"|port placement|nephrostomy|ivc filter|thrombectomy|chemoembolization|tace|y-?90"
    r"|radioembolization|vein ablation|gastrostomy|g-?tube|declot\w*|contrast dye)"
)
_PATIENT_CARE = (
    r"(recovery|recover|recovering|painful|pain|hurt|hurts|sore|side effects?|complications?"
    r"|risks?|fasting|sedation|sedated|awake|showering|shower|driving|aftercare)"
)
IMPERSONAL_CARE = re.compile(
    r"\b" + _PATIENT_CARE + r"\b.{0,30}\b(after|before|during|following|from|of|with|for)"
    r"\s+(an?\s+|the\s+)?([a-z-]+\s+){0,2}?" + _PROCEDURE + r"\b"
    r"|\b(what to expect|how to prepare|preparing)\b.{0,20}\b(after|before|during|for|from)"
    r"\s+(an?\s+|the\s+)?([a-z-]+\s+){0,2}?" + _PROCEDURE + r"\b"
    r"|\b" + _PROCEDURE + r"\s+(recovery|risks?|complications?|side effects?|aftercare|pain)\b"
    r"|\bis (an?\s+|the\s+)?" + _PROCEDURE + r"\s+(painful|safe|risky)\b",
    re.IGNORECASE,
)


def patient_voice(text: str) -> bool:
    """Whether the question is a patient's about their own care."""
    text = text.replace("’", "'")
    if PATIENT_VOICE.search(text):
        return True
    return bool(IMPERSONAL_CARE.search(text)) and not CAREER_WORDS.search(text)


# A career question that mentions medicine ("what advice can you give a medical student",
# "does my prelim year matter: surgery or medicine?") is not a request for medical advice.
CAREER_WORDS = re.compile(
    r"\b(med(ical)? (student|school)s?|med school|residen(t|ts|cy|cies)|match(ed|ing)?|appl(y|ying"
    r"|icant|icants|ication)|program directors?|careers?|specialt(y|ies)|fellowships?|rotations?"
    r"|sub-?is?|m[1-4]|ms[1-4]|pgy-?\d|interns?|internship|prelim|usmle|step [1-3i]|eras|nrmp"
    r"|esir|ir/dr|job market|jobs?|attendings?|board certifi\w+)\b",
    re.IGNORECASE,
)
_HEALTH = (
    r"(pain|painful|aches?|symptoms?|fever|fibroids?|tumou?rs?|cancer|bleed\w*|blood|lump"
    r"|condition|diagnos\w*|medications?|meds|prescription|scan|x-?ray|ct|mri|biopsy|injur\w*"
    r"|sick|ill|swollen|swelling|infection|treatment|pregnan\w*|fertility|menopause"
    r"|cramp\w*|nausea|dizz\w*|numb\w*|bruis\w*|stitches|wound|side effects?)"
)
PERSONAL_HEALTH = re.compile(
    r"\b(i|i'm|i've|i'd|me|my)\b.{0,40}\b" + _HEALTH + r"\b"
    r"|\b" + _HEALTH + r"\b.{0,40}\b(i|me|my)\b"
    r"|\bmy (mom|mum|dad|mother|father|wife|husband|son|daughter|child|kid|friend|partner"
    r"|grandma|grandpa|grandmother|grandfather|sister|brother|aunt|uncle|baby)\b",
    re.IGNORECASE,
)


def _health_and_career(text: str) -> tuple[bool, bool]:
    """Whether the question speaks of someone's health, and whether it speaks of a career."""
    text = text.replace("’", "'")
    health = bool(patient_voice(text) or PERSONAL_HEALTH.search(text))
    return health, bool(CAREER_WORDS.search(text))


def personal_health(text: str) -> bool:
    """Whether the question is about someone's own health and not about a career."""
    health, career = _health_and_career(text)
    return health and not career


# Words that make a question about a procedure a question about the field, not a patient's.
FIELD_WORDS = re.compile(r"\b(ir|irs|interventional|radiologists?|sir|doctors? who)\b", re.I)
PROCEDURE_NAMED = re.compile(r"\b" + _PROCEDURE + r"s?\b", re.I)
# A body's trouble or being sedated, however asked ("Is it normal to have blood in your
# urine?", "What happens when a fistula bleeds?", "Will I be put to sleep?").
SYMPTOM_NAMED = re.compile(
    r"\b(bleed\w*|blood|urine|fistula|pain|painful|aches?|fever|swollen|swelling|infection"
    r"|nausea|dizz\w*|numb\w*|bruis\w*|cramp\w*|lump|wound|stitches|symptoms?|sedat\w*"
    r"|put to sleep|general an(a)?esthesia)\b",
    re.I,
)


def procedure_question(text: str) -> bool:
    """Whether a question names a procedure or a symptom and nothing of careers or of the
    field: what a patient asks ("Angiogram: what to expect", "is UFE right for me", "will I
    be put to sleep?"). Only for questions nothing else answers: there, the kind refusal is
    the better "I don't know"."""
    text = text.replace("’", "'")
    return bool(
        (PROCEDURE_NAMED.search(text) or SYMPTOM_NAMED.search(text))
        and not CAREER_WORDS.search(text)
        and not FIELD_WORDS.search(text)
    )


def career_voice(text: str) -> bool:
    """Whether a question taken for a medical one is really about a career."""
    health, career = _health_and_career(text)
    return career and not health


# An answer that opens by saying it has no information ("I don't have reliable IR-specific
# match figures for international graduates ...") is already the honest reply.
NO_INFORMATION = re.compile(
    r"^[^.]{0,40}\bI don't have (information|details|any information|reliable)\b", re.I
)
# "the ESIR program at Baylor": a named place (capitalised, after "at").
NAMED_PLACE = re.compile(r"\bat ((?:[A-Z][A-Za-z&.-]+)(?: [A-Z][A-Za-z&.-]+)*)")
NOT_A_NAME = {"the", "a", "an", "my", "our", "your", "this", "that", "least", "most", "all", "any"}


def stem(word: str) -> str:
    """A crude singular: enough to match "positions" with "position"."""
    word = word.lower().strip("'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def focus(text: str) -> Set[str]:
    """What the question asks for: counted things, rates, and the kinds above ("@…")."""
    lowered = f" {text.lower().replace('’', chr(39))} "
    asked: Set[str] = set()
    count = re.search(r"\bhow (many|much)\b\s+(.*)", lowered)
    if count:
        rest = WORDS.findall(count.group(2))
        if count.group(1) == "much" and (not rest or rest[0] in AUXILIARY):
            asked.add(PRICE)
        else:
            counted = next((w for w in rest if w not in NOT_COUNTED), None)
            if counted and counted not in AUXILIARY:
                counted = stem(counted)
                asked.add(DURATION if counted in TIME_UNITS else SAME_AS.get(counted, counted))
    asked |= {f"{stem(m.group(1))} rate" for m in RATE.finditer(lowered)}
    if SHARE.search(lowered):
        asked.add(PERCENT)
    if INSTITUTIONS.search(lowered):
        asked.add(LIST)
    if PREDICTION.search(lowered):
        asked.add(FUTURE)
    if OPINION_ASK.search(lowered):
        asked.add(OPINION)
    if EARNINGS_ASK.search(lowered):
        asked.add(EARNINGS)
    for ask, pattern in ASKED_BY_PATTERN:
        if pattern.search(lowered):
            asked.add(ask)
    own = {m.start("field") for m in OWN_SPECIALTY.finditer(lowered)}
    asked |= {
        f"@specialty:{SPECIALTIES[m.group(1)]}"
        for m in SPECIALTY.finditer(lowered)
        if m.start(1) not in own
    }
    for match in NAMED_PLACE.finditer(text):
        name = match.group(1).lower()
        if name.split()[0] not in NOT_A_NAME:
            asked.add(f"@name:{name}")
    return asked


def answer_terms(answer: str) -> Set[str]:
    """The answer's words (singular) and the kinds of figure it gives."""
    lowered = answer.lower()
    words = [stem(w) for w in WORDS.findall(lowered)]
    terms = set(words) | {f"{a} {b}" for a, b in pairwise(words)}
    if "$" in lowered or "free" in words:
        terms.add(PRICE)
    if re.search(r"\b(years?|months?|weeks?)\b", lowered):
        terms.add(DURATION)
    if "%" in lowered:
        terms.add(PERCENT)
    for kind, pattern in GIVEN_BY_PATTERN:
        if pattern.search(lowered):
            terms.add(kind)
    return terms


def uncovered(
    asked: Iterable[str], terms: Set[str], answer: str = "", every_answer: str = ""
) -> List[str]:
    """The asks the answer does not cover (empty: the answer may stand).

    A named place counts only when no answer at all mentions it (a program the knowledge
    never names); `every_answer` is all the answers' text.
    """
    lowered, everywhere = answer.lower(), every_answer.lower()
    missing = []
    for ask in sorted(asked):
        if ask.startswith("@name:"):
            name = ask[len("@name:") :]
            if name not in lowered and name not in everywhere:
                missing.append(ask)
        elif ask.startswith("@specialty:"):
            if ask[len("@specialty:") :] not in lowered and ask not in terms:
                missing.append(ask)
        elif ask not in terms:
            missing.append(ask)
    return missing


def domain_answers(domain_file: Path, intents: Iterable[str]) -> Dict[str, str]:
    """Each intent's static answer text from the domain (utter_<intent>)."""
    import yaml

    responses = (yaml.safe_load(domain_file.read_text("utf-8")) or {}).get("responses") or {}

    def text(name: str) -> str:
        return " ".join(str(r.get("text") or "") for r in responses.get(name) or [])

    answers = {}
    for intent in intents:
        if intent == "pathway_details":
            found = " ".join(text(n) for n in responses if n.startswith("utter_pathway_"))
        else:
            found = text(f"utter_{intent}")
        if found.strip():
            answers[intent] = found
    return answers


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class AskCoverageCheck(JsonStateComponent, IntentClassifier):
    """Sends a prediction to the fallback when its answer lacks what the question asks."""

    STATE_FILE = ANSWERS_FILE

    @classmethod
    def required_components(cls) -> List[type]:
        return []  # must follow the classifier and the gate in config.yml

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Where a patient's question about their own care goes; never from these.
            "patient_intent": "medical_advice",
            "patient_keep": ["medical_emergency", "medical_advice"],
            # A career question taken for these goes to the fallback instead of a refusal.
            "career_rescue": ["medical_advice"],
            # A question about someone's own health that would get "I don't know" (or the
            # "can't help with that") gets the kind medical refusal instead.
            "health_rescue": [NLU_FALLBACK, "out_of_scope", "no_info"],
            # Read when training, relative to the working directory (the checkout).
            "domain": "domain.yml",
            # Answers written by actions (not in the domain): words and kinds they give.
            "answer_words": {},
            # Advice on applying mentions other fields as context ("is IR research as
            # important as in rad onc?"): another specialty named is not what is asked.
            "specialty_context_intents": [
                "application_advice",
                "usmle_scores",
                "letters_of_recommendation",
                "away_rotations",
                "dual_applying",
                "do_applicants",
                "img_applicants",
                "interest_groups",
            ],
            "exempt_intents": [
                "medical_emergency",
                "medical_advice",
                "no_info",
                "out_of_scope",
                "salary_lifestyle",
                "help",
                "bot_challenge",
                "greet",
                "goodbye",
                "thank",
                NLU_FALLBACK,
            ],
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # The answers come from a file the graph does not see: retrain when it changes.
        domain = Path(config.get("domain") or cls.get_default_config()["domain"])
        content = domain.read_bytes() if domain.exists() else b""
        return hashlib.sha256(content + Path(__file__).read_bytes()).hexdigest()

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        answers: Optional[Dict[str, str]] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.answers = dict(answers or {})
        self.terms = {intent: answer_terms(text) for intent, text in self.answers.items()}
        for intent, extra in (self.config.get("answer_words") or {}).items():
            self.terms.setdefault(intent, set()).update(extra)
            self.answers.setdefault(intent, "")
            self.answers[intent] += " " + " ".join(extra)
        self.every_answer = " ".join(self.answers.values())

    @classmethod
    def from_state(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        state: Any,
    ) -> AskCoverageCheck:
        return cls(config, model_storage, resource, state)

    def train(self, training_data: TrainingData) -> Resource:
        domain = Path(self.config["domain"])
        answers = domain_answers(domain, training_data.intents) if domain.exists() else {}
        self.save_state(answers)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def missing(self, text: str, intent: str) -> List[str]:
        """What the question asks for that the intent's answer lacks."""
        if intent in self.config["exempt_intents"] or intent not in self.terms:
            return []
        if NO_INFORMATION.search(self.answers.get(intent, "")):
            return []
        asked = focus(text)
        if intent in self.config["specialty_context_intents"]:
            asked = {a for a in asked if not a.startswith("@specialty:")}
        return uncovered(asked, self.terms[intent], self.answers.get(intent, ""), self.every_answer)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            if not intent:
                continue
            text = message.get(TEXT) or ""
            if intent not in self.config["patient_keep"] and patient_voice(text):
                reroute(message, self.config["patient_intent"])
                continue
            if intent in self.config["health_rescue"] and (
                personal_health(text) or procedure_question(text)
            ):
                reroute(message, self.config["patient_intent"])
                continue
            if intent in self.config["career_rescue"] and career_voice(text):
                message.set("career_not_medical", True, add_to_output=True)
                reroute(message, NLU_FALLBACK)
                continue
            missing = self.missing(text, intent)
            if not missing:
                continue
            message.set("ask_uncovered", missing, add_to_output=True)
            reroute(message, NLU_FALLBACK)
        return messages
