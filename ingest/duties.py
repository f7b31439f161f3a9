"""The duties register: each sentence that says who must, should or may do what.

Rule-based and pure: a sentence is a duty when its main clause carries a deontic cue ("must",
"shall", "should", "may", "is required to", "has a duty to", "is responsible for", "is expected
to"); its actor is the cue's subject, normalised, with pronouns resolved from the sentence
before (or the heading), "we" from where the writers say who they are ("we (X)"), a bare
"This"/"That" from the party of the sentence before, a passive's "by X" taken as its agent (a
middle verb, "may count within the ratio", read as a passive), and a requirement on a thing
("Records must be kept") given to the party the document most often addresses, unless a party
named just before dealt with that same thing ("... they must write the report. The report must
be published"). Items of a list under a lead-in such as "Providers must:" inherit the lead-in's
actor and strength. Works on any document: nothing here names the default corpus's actors,
except the aliases that fold "governing bodies and proprietors", "the governing board" and
"boards" into one actor.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ingest.governance import ACTORS, first_actor
from ingest.types import Chunk, Sentence

STRENGTHS = ("must", "must not", "should", "should not", "may")
# A document's main party must name at least this share of the duties with a named subject,
# and there must be this many of those (see _document_duties).
DEFAULT_SHARE = 0.4
DEFAULT_MIN_DUTIES = 10
# The longest name of an actor read from a subject ("academies and maintained nursery schools").
MAX_ACTOR_WORDS = 6


@dataclass(frozen=True)
class Duty:
    """One sentence stating an obligation or permission, with its provenance."""

    text: str  # the sentence as its chunk holds it (what the index shows and labels quote)
    doc_id: str
    title: str
    section: tuple[str, ...]
    page: int | None
    start: int  # offsets into the original file: file_text[start:end] is the sentence as
    # written there (markup and all)
    end: int
    actor: str  # canonical name ("Governing boards", "Providers")
    actor_text: str  # the words the sentence (or its antecedent) uses for the actor
    strength: str  # one of STRENGTHS
    chunk_id: str = ""
    chunk_start: int = 0  # where the sentence sits in its chunk's text (for context)
    chunk_end: int = 0
    # For a list item, the sentence introducing its list ("the directors may delegate any of
    # the powers ... —" before "(a) to such person or committee;"), which it means little
    # without; "" otherwise.
    lead_in: str = ""

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)

    @property
    def shown(self) -> str:
        """The duty as a reader needs it: a list item after its lead-in."""
        return f"{self.lead_in} … {self.text}" if self.lead_in else self.text


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Cues, most specific first; each is (pattern, strength). The subject is the text before it.
_NOT = r"(?:\s+(?:not|never))"
_ADV = r"(?:\s+(?:also|only|always|still|normally|usually|ideally|therefore|then|now|however|"
_ADV += r"immediately|promptly|at\s+least|at\s+all\s+times|in\s+particular|all|both|each))*"
_BE = r"(?:is|are|was|were|will\s+be|shall\s+be|remains?)"
_CUES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), strength)
    for pattern, strength in (
        (rf"\b(?:must|shall){_ADV}{_NOT}\b|\bmustn['’]t\b|\bshan['’]t\b", "must not"),
        (rf"\b{_BE}{_ADV}\s+(?:not\s+permitted|prohibited|forbidden)\s+(?:to|from)\b", "must not"),
        (rf"\bmay{_ADV}\s+not\b(?!\s+(?:have|need|always|necessarily|yet))", "must not"),
        (rf"\b(?:should|ought){_ADV}{_NOT}\b|\bshouldn['’]t\b", "should not"),
        (r"\b(?:must|shall)\b", "must"),
        (rf"\b{_BE}{_ADV}\s+(?:required|obliged|obligated)\s+to\b", "must"),
        (rf"\b{_BE}{_ADV}\s+under\s+(?:a|the|an)\s+(?:\w+\s+)?duty\b", "must"),
        (r"\b(?:has|have)(?:\s+\w+)?\s+(?:a|the)\s+(?:\w+\s+)?duty\s+to\b", "must"),
        (rf"\b{_BE}{_ADV}\s+(?:\w+\s+)?responsible\s+for\b", "must"),
        (
            r"\b(?:has|have|carry|carries|hold|holds|bear|bears)\s+(?:[\w-]+\s+){0,4}?"
            r"responsibility\s+(?:for|to)\b",
            "must",
        ),
        # "A provider may need to use ...": a possibility, not a duty.
        (r"(?<!\bmay\s)(?<!\bmight\s)(?<!\bcould\s)\bneeds?\s+to\b", "must"),
        (r"\b(?:is|are)\s+to\b(?=\s+be\s+\w+(?:ed|en)\b)", "must"),
        # "... should a school be found to": a condition, the verb before its subject.
        (r"\b(?:should(?!\s+(?:a|an|the|any|this|that|these|those)\s)|ought\s+to)\b", "should"),
        (rf"\b{_BE}{_ADV}\s+expected\s+to\b", "should"),
        (rf"\b{_BE}{_ADV}\s+(?:permitted|entitled|allowed)\s+to\b", "may"),
        (r"\breserves?\s+the\s+right\s+to\b", "may"),
        (r"\bmay\b", "may"),
    )
)
# Cues whose actor comes after them: "is the responsibility of X", "rests with X", "it is for
# X to decide".
_INVERTED: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(?:is|are|remains?)\s+(?:the|a)\s+(?:[\w-]+\s+)?responsibility\s+of\s+"
            r"(?P<actor>[^,;:.()]+)",
            re.I,
        ),
        "must",
    ),
    (
        re.compile(r"\bresponsibility\b[^,;:.]*?\brests?\s+with\s+(?P<actor>[^,;:.()]+)", re.I),
        "must",
    ),
    (
        re.compile(
            r"(?:^|[,;:]\s*)\W*it\s+is\s+for\s+(?P<actor>[^,;:.()]+?)\s+to\s+(?:decide|determine|choose|judge)\b",
            re.I,
        ),
        "may",
    ),
)
# The authors' own view introduces a recommendation, not a clause about something else:
# "We believe that accountability should be downwards".
_AUTHOR_VIEW = re.compile(
    r"^\s*(?:we|i)\s+(?:believe|think|propose|recommend|suggest|consider)\s+(?:that\s+)?", re.I
)
_WH = _word_set("which that who whom whose what where whether how why whoever whatever")
_PREPOSITIONS = _word_set("to in of for by with on at from under through")
# "May" states a possibility, not a permission, before these ("may be useful", "may need").
_EPISTEMIC_AFTER_MAY = re.compile(
    r"^\s*(?:(?:also|not)\s+)?(?:have|has|need|needs|wish|want|find|affect|seem|appear|"
    r"include|lead|result|vary|differ|occur|arise|become|require|mean|help|cause|face|feel|"
    r"know|take\s+place|actually|well|even|possibly|perhaps|indeed|in\s+fact|sometimes|"
    r"often)\b",
    re.I,
)
# A verb whose subject undergoes it, like a passive with no agent: "a student may count
# within the ratio" (is counted), "the vote counts as a decision".
_MIDDLE_VOICE = re.compile(rf"^{_ADV}\s+count\s+(?:as|towards?|within|in|for)\b", re.I)
# A lead-in whose list gives conditions: "... may be amended by ordinary resolution if—".
_CONDITION_LEAD = re.compile(
    r"\b(?:if|unless|when|where|whether|provided\s+that)\W*[:—–-]\s*$", re.I
)
_CONDITIONAL = re.compile(r"^\s*(?:if|unless|when|whenever|once|where|although|while)\b", re.I)
# Where the cue's clause starts: punctuation, or a word that opens a new clause.
_CLAUSE_BREAK = re.compile(
    r"[,;:\u2013\u2014]|\s-\s|\b(?:but|so|then|therefore|thus|rather|because|hence)\s",
    re.I,
)
_LEADING = re.compile(
    r"^(?:\s|\b(?:the|a|an|all|each|every|any|both|some|such|these|those|this|that|its|their|"
    r"our|his|her|other|relevant|individual|existing|potential|at|least|most|half|one|two|"
    r"in|also|then|rather|however|further|finally|and|but|so|thus|therefore|etc|except)\b\.?)+",
    re.I,
)
_PRONOUNS = {"they", "it", "he", "she"}
# A subject that stands for the sentence before ("This must be done within 14 days"): the duty
# is that sentence's actor's.
_DEMONSTRATIVES = {"this", "that"}
_PERSONAL = {"we": "We", "you": "You", "i": "I"}
# "Our leadership must be active": the way the possessor acts, so the possessor is the actor.
_POSSESSED_ACTIVITY = re.compile(r"^(our|my|your|their|his|her)\s+[a-z-]+(?:ship|ance)$", re.I)
_POSSESSOR = {"our": "we", "my": "I", "your": "you", "their": "they", "his": "he", "her": "she"}
# Who "we" are, where the writers say so: "we (school leaders) should not".
_WE_ARE = re.compile(r"\bwe\s*\(([^()]{2,60})\)", re.I)
_PARTITIVE = re.compile(
    r"^(?:at\s+least\s+)?(?:one|half|some|all|each|none|any|either|neither|both|most|many|"
    r"the\s+majority|a\s+majority|a\s+member|members?|\d+%?|one\s+or\s+more)(?:\s+or\s+more)?"
    r"\s+of\s+(?:the\s+|all\s+|its\s+|their\s+)?",
    re.I,
)
# Words that name a person or a body, whatever the document (the head of an agent subject).
_AGENT_WORDS = _word_set(
    """
    provider providers practitioner practitioners staff member members manager managers
    teacher teachers headteacher headteachers head heads school schools academy academies
    trust trusts board boards body bodies governor governors trustee trustees director
    directors company companies proprietor proprietors authority authorities council
    councils department departments secretary government ofsted inspectorate inspector
    inspectors dfe esfa rsc rscs commissioner commissioners leader leaders lead leads dsl
    dsls senco sencos parent parents carer carers employer employers employee employees
    person persons people setting settings partner partners partnership partnerships
    agency agencies organisation organisations organization organizations mat mats chair
    clerk committee committees shareholder shareholders owner owners childminder
    childminders student students volunteer volunteers apprentice apprentices pupil pupils
    child children everyone anyone nobody colleague colleagues officer officers adviser
    advisers advisor advisors team teams service services minister ministers parliament
    college colleges alliance alliances network networks employer leadership executive
    executives ceo ceos principal principals staffing agent agents individual individuals
    institution institutions operator operators applicant applicants chairman chairmen
    chairperson chairwoman proxy proxies delegate delegates
    """
)
# Words ending in -er/-or that name no one.
_NOT_AGENTS = _word_set(
    "number order letter matter chapter paper power register water other cover answer "
    "corner quarter border paper factor sector error monitor floor door behaviour"
)
# The aliases of one actor, folded into the name the default report uses for it.
_BOARD = re.compile(
    r"^(?:governing\s+(?:boards?|bod(?:y|ies))(?:\s+and\s+proprietors?)?|"
    r"proprietors?(?:\s+and\s+governing\s+(?:boards?|bod(?:y|ies)))?|"
    r"(?:trust\s+|school\s+)?boards?(?:\s+of\s+(?:trustees|governors|directors))?|"
    r"trustees|governors|governing\s+boards?\s+and\s+trustees)$",
    re.I,
)
_STAFF = re.compile(r"^(?:members?\s+of\s+staff|staff(?:\s+members?)?)$", re.I)
_PARTICIPLE_IRREGULAR = _word_set(
    "kept held made given shown taken done met sent set put told paid found seen known run "
    "read built brought chosen written undertaken drawn sought taught understood spent led "
    "left brought bound cut drawn worn hidden begun"
)
_NOT_PARTICIPLES = _word_set("open often even been between garden kitchen children")
_ADJECTIVAL = _word_set(
    "interested concerned experienced qualified satisfied prepared aware alert able registered"
)


def duties(chunks: Iterable[Chunk]) -> list[Duty]:
    """Every duty in `chunks`, in document order (documents in id order)."""
    ordered = sorted(chunks, key=lambda c: (c.doc_id, c.start))
    found: list[Duty] = []
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in ordered:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    for doc_chunks in by_doc.values():
        found.extend(_document_duties(doc_chunks))
    return found


@dataclass(frozen=True)
class _Reading:
    """What the rules make of one sentence on its own."""

    strength: str
    subject: str  # the words before the cue, as written ("" for none)
    agent: bool  # whether the subject names a person or body (or a pronoun standing for one)
    lead_in: bool  # ends with ":", so the list items after it complete it
    refers_back: bool = False  # the subject is a bare "this" or "that": what was just said
    topic: str = ""  # the head noun of a subject naming a thing ("notice" in "Notice of ...")
    definite: bool = False  # that subject points back ("The assessment", "Such notice")
    rest: str = ""  # what the sentence says after the cue (what is to be done)


# "... the care and support they need to ...": a pronoun straight after a noun phrase (a
# determiner, at most four words) opens a relative clause, what they need, not a duty; a
# conjunction or a comma before it starts a clause of its own ("and they need to", "If staff
# are ill they need to").
_RELATIVE_NEED = re.compile(
    r"\b(?:the|a|an|any|all|every|each|some|such|these|those|their|its|our|your|his|her)\s+"
    r"(?:[\w-]+\s+){0,3}?"
    r"(?!(?:and|but|or|so|if|when|where|that|which|because|as|then|whether|unless)\b)[\w-]+"
    r"\s+(?:they|we|you|he|she)\s+$",
    re.I,
)


def _relative_need(body: str, start: int, end: int) -> bool:
    """Whether the cue at `start:end` is "need to" in a relative clause ("the care and support
    they need to have"): what someone needs, not a duty."""
    return bool(
        re.match(r"needs?\b", body[start:end], re.I) and _RELATIVE_NEED.search(body[:start])
    )


def read_sentence(text: str) -> _Reading | None:
    """The duty a sentence states by itself (strength, subject), or None when it states none."""
    body = text.strip()
    if not body or body.endswith("?") or len(body.split()) < 2:
        return None
    # "X must:" or "X may pay ... at—" opens a list that completes it; "... unless—" opens a
    # list of conditions, which state no duty.
    lead_in = body.rstrip("- ").endswith((":", "—", "–")) and not re.search(
        r"\b(?:if|unless|when|where|whether|because|provided\s+that)\W*$", body, re.I
    )
    for pattern, strength in _INVERTED:
        if match := pattern.search(body):
            subject = match.group("actor").strip()
            return _Reading(strength, subject, _is_agent(subject), lead_in, rest=body)
    for pattern_strength, start, end in _cue_matches(body):
        if _quoted(body, start, end):
            continue  # "uses the word 'must' where ...": the word is named, not used
        clause = _AUTHOR_VIEW.sub("", _clause(body[:start]))
        if _WHEN_THERE.match(clause):
            clause = "there"  # "Whilst children are eating there should be": the main clause
        if _embedded(clause) or _CONDITIONAL.match(clause) or _relative_need(body, start, end):
            continue
        if re.search(r"\b(?:no\s+longer|not|never|no)\s*$", clause, re.I):
            continue  # "schools no longer have responsibility for": a duty they do not have
        after = body[end:]
        past = re.match(rf"{_ADV}\s+have\s+(?:been\s+)?(\w+)", after, re.I)
        if past and _participle(past.group(1)):
            continue  # "should have tested", "must have been": the past, not a duty
        passive_agent = _passive_agent(after)
        if passive_agent is None and _MIDDLE_VOICE.match(after):
            passive_agent = ""  # "may count towards the ratio": is counted, by no one named
        if pattern_strength in ("may", "must not") and "may" in body[start:end].lower():
            # "may be useful", "may not be helpful": a possibility, unless a passive
            # ("may be withdrawn", "may not be taken") or a plain verb follows.
            if passive_agent is None and _EPISTEMIC_AFTER_MAY.match(
                re.sub(r"^\s*not\b", "", after)
            ):
                continue
            if passive_agent is None and re.match(r"^\s*(?:not\s+)?be\b", after, re.I):
                continue
        subject = _written_subject(clause, body[:start])
        agent = _is_agent(subject)
        refers_back = subject.lower() in _DEMONSTRATIVES
        written = subject
        if passive_agent is not None:
            subject, agent = passive_agent, bool(passive_agent) and _is_agent(passive_agent)
        elif pattern_strength == "may" and not agent:
            continue
        strength = pattern_strength
        if _negated(subject):
            strength = _NEGATED_STRENGTH.get(strength, strength)
            if _GENERIC_PERSON.match(subject):
                subject, agent = "", False  # "No person shall": a prohibition on anyone
        topic = "" if agent or refers_back else _topic(written)
        definite = bool(re.match(r"^\W*(?:the|this|that|these|those|such)\b", written, re.I))
        return _Reading(
            strength, subject, agent, lead_in, refers_back and not agent, topic, definite, after
        )
    return None


def _written_subject(clause: str, before: str) -> str:
    """The cue's subject as the sentence gives it: a pronoun is first looked for in an opening
    condition ("If providers have concerns ..., they must": the providers); "our leadership"
    is "we"."""
    subject = _subject(clause)
    if subject.lower() in _PRONOUNS and (opener := _opening_party(before)):
        return opener
    if possessed := _POSSESSED_ACTIVITY.match(subject):
        return _POSSESSOR[possessed.group(1).lower()]
    return subject


# A sentence that opens with a condition on a party: "If providers have concerns, ...".
_OPENING_CONDITION = re.compile(
    r"^\W*(?:if|when|whenever|where|once|while|whilst|until|unless)\s+([^,;:]+)[,;:]", re.I
)


def _opening_party(before: str) -> str:
    """The party an opening condition names as its subject, if any: who "they" then is."""
    match = _OPENING_CONDITION.match(before)
    if not match:
        return ""
    subject = _subject(match.group(1))
    if subject.lower() in _PRONOUNS or subject == match.group(1).strip() or not _is_agent(subject):
        return ""  # no finite verb after a name: not a clause with a subject
    return subject


def _quoted(body: str, start: int, end: int) -> bool:
    """Whether the cue at body[start:end] stands alone in quotation marks."""
    before = body[start - 1] if start else ""
    after = body[end] if end < len(body) else ""
    return before in "'‘\"“" and bool(before) and after in "'’\"”" and bool(after)


def _topic(subject: str) -> str:
    """The noun a thing subject is about, lower case: "notice" in "Notice of a directors’
    meeting", "assessment" in "The assessment"; "" when there is none to follow."""
    words = re.findall(r"[A-Za-z][a-z-]+", _head(subject))
    if not words or words[-1].lower() in _PRONOUNS | _DEMONSTRATIVES | {"there"}:
        return ""
    word = words[-1].lower()
    return word if len(word) > 3 else ""


def _embedded(clause: str) -> bool:
    """Whether the cue's clause only describes something: "what should be taught", "the
    requirements providers must meet". A relative clause inside the subject ("Committees to
    which the directors delegate ... must follow") does not count."""
    words = [w.lower().strip("“”‘’'\"") for w in clause.split()]
    for i, word in enumerate(words):
        if word in _WH:
            opens = i == 0 or (i == 1 and words[0] in _PREPOSITIONS)
            return opens or any(w in _FINITE for w in words[:i])
    coordinated = bool(re.search(r"\b(?:and|or|but)\s*$", clause, re.I))
    return not coordinated and any(w in _FINITE for w in words[1:])


def _cue_matches(body: str) -> list[tuple[str, int, int]]:
    """(strength, start, end) of each cue, leftmost first; a longer cue wins a tie."""
    taken: list[tuple[str, int, int]] = []
    for pattern, strength in _CUES:
        for match in pattern.finditer(body):
            if any(s <= match.start() < e for _, s, e in taken):
                continue
            taken.append((strength, match.start(), match.end()))
    return sorted(taken, key=lambda t: t[1])


def _clause(before: str) -> str:
    """The part of `before` in the cue's own clause (parentheses set aside); an aside that
    narrows the subject ("Registered providers, except CoDP providers, must") is not one."""
    before = re.sub(r"\([^()]*\)", " ", before)
    cut = 0
    for match in _CLAUSE_BREAK.finditer(before):
        # A break with nothing but spaces after it belongs to the previous word.
        rest = before[match.end() :]
        if rest.strip() and not _ASIDE.match(rest):
            cut = match.end()
    return before[cut:]


# An aside inside the subject, set off by commas: what it leaves out or takes in.
_ASIDE = re.compile(
    r"^\s*(?:except|excluding|other\s+than|apart\s+from|including|such\s+as)\b", re.I
)


# A finite verb inside the clause ends its subject: "Each area has a board and is required to".
_FINITE = _word_set(
    "is are was were has have had do does did can could will would might need needs make "
    "makes believe believes think thinks set sets means mean include includes requires says "
    "states provides specifies describes explains shows gives"
)
# Words between a subject and its cue that are not part of it ("schools no longer have").
_TRAILING = re.compile(
    r"(?:\s+(?:no\s+longer|also|still|now|then|only|therefore|however|too|and|or|can|"
    r"cannot|do|does|normally|usually|always|never|often|not|already|thus|as\s+well))+\s*$",
    re.I,
)


def _subject(clause: str) -> str:
    """The noun phrase right before the cue, as written (quotes and brackets removed)."""
    # Quotes go; an apostrophe after a letter stays ("Schools’ partner providers").
    text = re.sub(r"[()\[\]\"“”]|(?<![A-Za-z])['‘’]", " ", clause)
    text = _TRAILING.sub("", " " + text).strip()
    words = text.split()
    if words and words[-1].lower() == "there":
        return "there"  # "there must be": a requirement on no one named
    # "In such cases they must", "We believe it should": a pronoun close to the cue.
    for i in range(len(words) - 1, max(-1, len(words) - 4), -1):
        if words[i].lower() in _PRONOUNS | set(_PERSONAL):
            return words[i]
    for i, word in enumerate(words):
        if i and word.lower() in _FINITE:
            return " ".join(words[:i])
    return " ".join(words)


# A clause of time before "there must be" with no comma after it.
_WHEN_THERE = re.compile(
    r"^\s*(?:whilst|while|when|whenever|once|after|before|during|until)\b.*\sthere\s*$", re.I
)
# A phrase of time or place before the subject, with no comma after it.
_OPENING_PHRASE = re.compile(
    r"^(?:at(?!\s+least)|in|on|during|after|before|within|throughout|from)\s", re.I
)
_POSTMODIFIER = re.compile(
    # "of" before a capital belongs to a title ("Secretary of State", "Director of Education").
    r"\s(?:of(?!\s+(?-i:[A-Z]))|for|in|with|on|at|to|from|by|about|under|within|who|which|that|whose|"
    r"awaiting|involved|appointed|named|employed|as|like|other\s+than|except)\b.*$",
    re.I,
)


def _head(subject: str) -> str:
    """The phrase naming the actor: "staff" in "at least half of all other staff", "settings"
    in "settings awaiting Ofsted inspection"."""
    text = subject.strip()
    words = text.split()
    if len(words) > 2 and _OPENING_PHRASE.match(text) and _role_word(words[-1].lower()):
        return words[-1]  # "At each mealtime providers": the phrase before says when
    for _ in range(2):
        text = _LEADING.sub("", _PARTITIVE.sub("", text))
    # "Schools’ partner providers": the possessor is not the actor.
    text = re.sub(r"^[\w-]+(?:['’]s|s['’])\s+(?=\w)", "", text)
    if _STAFF.match(text):
        return text
    words = _POSTMODIFIER.sub("", text).strip(" ,.;:-").split()
    # "a student studying towards ...": a participle after the head noun starts a modifier.
    for i in range(1, len(words)):
        if words[i].lower().endswith("ing") and _role_word(words[i - 1].lower()):
            words = words[:i]
            break
    return " ".join(words)


def _role_word(word: str) -> bool:
    """Whether a word names a person or body ("providers", "chairman", "inspector")."""
    if word in _AGENT_WORDS:
        return True
    return bool(
        len(word) > 4  # "or", "after" are no one
        and re.search(r"(?:er|ers|or|ors|ist|ists|ant|ants)$", word)
        and word not in _NOT_AGENTS
    )


# "Those expanding provision must", "those who employ staff should": the people doing it.
_THOSE_WHO = re.compile(r"^those\s+(?:who\b|\w+ing\b)", re.I)
# What a duty's strength becomes for "no one" or a list item opening with "not".
_NEGATED_STRENGTH = {"must": "must not", "may": "must not", "should": "should not"}
# "No person", "no one", "nobody": everyone is meant, no one party.
_GENERIC_PERSON = re.compile(r"^\s*(?:no\s+(?:person|one|individual)|nobody|no-one)\s*$", re.I)


def _negated(subject: str) -> bool:
    """ "No person shall", "Nobody may": a prohibition, whatever the cue."""
    return bool(re.match(r"^\s*(?:no|nobody|none|neither)\b", subject, re.I))


def _is_agent(subject: str) -> bool:
    """Whether a subject names a person or body: a pronoun, a known actor or a role word."""
    lower = subject.lower().strip()
    if not lower or lower == "there":
        return False
    if lower in _PRONOUNS or lower in _PERSONAL:
        return lower != "it"
    if _THOSE_WHO.match(lower):
        return True
    head = _head(re.sub(r"^\s*(?:no|nobody|none)\s+", "", subject, flags=re.I))
    if not head:
        return False
    if first_actor(head):
        return True
    words = re.findall(r"[a-z][a-z-]*", head.lower().replace("’s", "").replace("'s", ""))
    # A long head is a misread clause ("good parenting and early learning provide the
    # foundation children"), not a name.
    return 0 < len(words) <= MAX_ACTOR_WORDS and _role_word(words[-1])


def _participle(word: str) -> bool:
    """Whether a word reads as a past participle ("kept", "decided", "withdrawn")."""
    word = word.lower()
    if word in _ADJECTIVAL or word in _NOT_PARTICIPLES:
        return False
    return word.endswith(("ed", "wn", "en")) or word in _PARTICIPLE_IRREGULAR


def _passive_agent(after: str) -> str | None:
    """For "must be done by X": X. "" for a passive with no agent; None if not passive."""
    # "must be frequently checked": an adverb between "be" and the participle.
    match = re.match(rf"{_ADV}\s+be(?:\s+\w+ly)?\s+(\w+)", after, re.I)
    if not match:
        return None
    if not _participle(match.group(1)):
        return None
    by = re.search(
        r"\bby\s+(?:(?:a|an|the)\s+)?(?:(?:[\w-]+\s+)?(?:decision|resolution|authority|vote)s?"
        r"\s+of\s+)?([^,;:.()]+)",
        after[match.end() :],
        re.I,
    )
    if by:
        agent = re.split(
            r"\s(?:if|when|before|after|within|in|on|at|for|to|and\s+must)\s", by.group(1)
        )[0]
        # "kept up to date by the provider and shared with all staff": a second verb ends it.
        words = agent.split()
        for i in range(1, len(words) - 1):
            if words[i].lower() in ("and", "or") and _participle(words[i + 1]):
                agent = " ".join(words[:i])
                break
        return agent.strip()
    return ""


_SUBORDINATOR = re.compile(
    r"^\W*(?:if|when|where|unless|whether|although|though|once|while|whilst)\s+", re.I
)


def canonical_actor(phrase: str, abbreviations: dict[str, str] | None = None) -> str:
    """The actor's name, the same for each way of saying it ("the governing board", "boards";
    "the DSL" where the document spells out "designated safeguarding lead (DSL)")."""
    if any(phrase.strip().lower() == actor.name.lower() for actor in ACTORS):
        return next(a.name for a in ACTORS if a.name.lower() == phrase.strip().lower())
    text = re.sub(r"\([^)]*\)?", " ", phrase)
    if _SUBORDINATOR.match(text):
        # "If the directors", read from a condition: its subject is not who must act ("(if no
        # directors are present), the meeting, must appoint"), and no one is named.
        return ""
    text = re.sub(r"^(\W*(?:the\s+)?)[\w-]+(?:['’]s|s['’])\s+(?=\w)", r"\1", text.strip())
    text = re.sub(r"[\"“”‘’]|['’]s\b", "", text)
    lower = " ".join(text.lower().split())
    if lower in _PERSONAL:
        return _PERSONAL[lower]
    if _THOSE_WHO.match(lower):
        return lower[:1].upper() + lower[1:]
    head = _head(re.sub(r"^\s*(?:no|nobody|none)\s+", "", " ".join(text.split()), flags=re.I))
    head = head.lower()
    if abbreviations:
        head = abbreviations.get(head, abbreviations.get(head.rstrip("s"), head))
    for prefix in ("registered ", "early years ", "relevant ", "other ", "group and school-based "):
        if head.startswith(prefix):
            head = head[len(prefix) :]
    if _BOARD.match(head) or _BOARD.match(lower):
        return "Governing boards"
    if _STAFF.match(head):
        return "Staff"
    known = first_actor(head)
    if known and len(head.split()) <= 4:
        return known
    if not head:
        return ""
    return _plural(head)[:1].upper() + _plural(head)[1:]


# Words of a long form are bounded in length: on a run of letters with no space (a 5 MB "AAA...")
# an unbounded word made each try scan to the end, and the search quadratic.
_SPELLED_OUT = re.compile(r"((?:[A-Za-z][\w-]{0,39}\s+){1,6})\(([A-Z][A-Za-z]{1,7})\)")


def abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Abbreviations a document spells out, lower case: {"dsl": "designated safeguarding
    lead"} from "the designated safeguarding lead (DSL)" (initials must match)."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _SPELLED_OUT.finditer(text):
            short = match.group(2)
            letters = short[:-1] if short.endswith("s") and len(short) > 2 else short
            words = match.group(1).split()[-len(letters) :]
            initials = "".join(w[0] for w in words).lower()
            if len(words) == len(letters) and initials == letters.lower():
                found.setdefault(letters.lower(), " ".join(words).lower())
    return found


def _plural(phrase: str) -> str:
    """The phrase with its last word in the plural, so "provider" and "providers" agree."""
    words = phrase.split()
    if " of " in phrase or " and " in phrase or " or " in phrase:
        return phrase
    last = words[-1]
    if last in {"staff", "people", "children", "government", "parliament", "ofsted", "dfe"}:
        return phrase
    if last.endswith("men"):
        return phrase
    if last.endswith(("s", "ship")) and not last.endswith("ss"):
        return phrase
    if last.endswith("man"):
        last = last[:-3] + "men"
    elif last.endswith("y") and not last.endswith(("ey", "ay", "oy")):
        last = last[:-1] + "ies"
    elif last.endswith(("ss", "sh", "ch", "x")):
        last += "es"
    else:
        last += "s"
    return " ".join([*words[:-1], last])


def actor_key(name: str) -> str:
    """How names are compared: canonical, lower case."""
    return canonical_actor(name).lower()


def _heading_actor(section: tuple[str, ...]) -> str:
    """The actor the nearest heading names, if any ("Headteachers’ responsibilities")."""
    for heading in reversed(section):
        words = re.findall(r"[A-Za-z][A-Za-z-]*", heading)
        if first_actor(heading):
            return str(first_actor(heading))
        for word in words[:3]:
            if word.lower() in _AGENT_WORDS:
                return word
    return ""


def _document_duties(chunks: list[Chunk]) -> list[Duty]:
    """The duties of one document's chunks (in order), resolving pronouns and list items."""
    readings: list[tuple[Chunk, Sentence, _Reading | None]] = [
        (chunk, sentence, read_sentence(sentence.text))
        for chunk in chunks
        for sentence in chunk.sentences
    ]
    spelled = abbreviations(sentence.text for _, sentence, _ in readings)

    def name(words: str) -> str:
        return canonical_actor(words, spelled) if words else ""

    default = _main_party(readings, name)
    found: list[Duty] = []
    context = _Context()
    for at, (chunk, sentence, reading) in enumerate(readings):
        context = context.entering(chunk.section)
        context.next_sentence(sentence)
        if context.conditions:
            continue
        if _CONDITION_LEAD.search(sentence.text):
            # The items after it; itself it may state a duty.
            context.conditions, context.lead_in = True, None
        if reading is None:
            if duty := _unread_sentence(context, at, chunk, sentence):
                found.append(duty)
            continue
        words = _party_meant(reading, context, default, chunk.section, at)
        actor = name(words)
        if reading.agent and reading.subject.lower() not in _PRONOUNS:
            context.last_agent = context.just_named = reading.subject
        found.append(_duty(chunk, sentence, actor, words, reading.strength))
        context.acting = words
        if reading.agent:
            context.recent.append((at, reading.rest, words))
        if reading.lead_in:
            context.lead_in = (actor, words, reading.strength)
    return found


def _main_party(
    readings: list[tuple[Chunk, Sentence, _Reading | None]], name: Callable[[str], str]
) -> str:
    """The party the document addresses most: who a requirement on a thing ("Records must be
    kept") falls to. Only when it is clearly the main one: in the EYFS framework providers
    are 111 of the 208 named subjects of obligations (53%); in the model articles the most
    named are the directors, 4 of 14, and a proxy notice that "must be treated as" binds
    none of them. Permissions do not count ("the directors may" is frequent there)."""
    counts = Counter(
        name(r.subject)
        for _, _, r in readings
        if r and r.agent and r.strength != "may" and r.subject.lower() not in _PRONOUNS
    )
    named = sum(counts.values())
    main, votes = counts.most_common(1)[0] if counts else ("", 0)
    return main if named >= DEFAULT_MIN_DUTIES and votes >= DEFAULT_SHARE * named else ""


@dataclass
class _Context:
    """What the sentences read so far say about who is meant: whom "they", "it", "we", a list
    item or a requirement on a thing refers to. Most of it lasts for one section."""

    section: tuple[str, ...] = ()
    last_agent: str = ""  # the last agent subject read, for "they" in the next sentence
    lead_in: tuple[str, str, str] | None = None  # (actor, words, strength) of "X must:"
    conditions: bool = False  # in the list after "... if—" or "unless—": conditions, not duties
    just_named: str = ""  # the agent the sentence just before named, for "it"
    named_before: str = ""  # what just_named was before this sentence
    acting: str = ""  # who acts in the sentence just before (its duty's actor or its agent subject)
    acted_before: str = ""  # what acting was before this sentence
    # (where, what it says is done, who does it) for the sentences of this section naming a party
    recent: list[tuple[int, str, str]] = field(default_factory=list)
    we_are: str = ""  # who "we" are, where this section says so

    def entering(self, section: tuple[str, ...]) -> _Context:
        """The context for a sentence of `section`: a new section starts afresh, but for the
        agent the sentence just before named."""
        if section == self.section:
            return self
        return _Context(section=section, just_named=self.just_named)

    def next_sentence(self, sentence: Sentence) -> None:
        """Move on to `sentence`: what the one before named and did becomes "before"."""
        if not sentence.list_item:
            self.lead_in, self.conditions = None, False  # the list ended
        self.named_before, self.just_named = self.just_named, ""
        self.acted_before, self.acting = self.acting, ""
        if (we := _WE_ARE.search(sentence.text)) and _is_agent(we.group(1)):
            self.we_are = we.group(1)


def _unread_sentence(context: _Context, at: int, chunk: Chunk, sentence: Sentence) -> Duty | None:
    """A sentence with no duty word of its own: an item of a list whose lead-in states the
    duty ("Providers must:") is a duty of the lead-in's party; one that opens by naming a
    party is who "they" and a thing dealt with refer to next."""
    if context.lead_in and sentence.list_item:
        actor, words, strength = context.lead_in
        if re.match(r"^\W*not\s", sentence.text, re.I):
            # "Providers should: ... Not rely on applicants to obtain their reference."
            strength = _NEGATED_STRENGTH.get(strength, strength)
        context.acting = words
        context.recent.append((at, sentence.text, words))  # an item is all predicate
        return _duty(chunk, sentence, actor, words, strength)
    opening = _subject(sentence.text.split(",")[0])
    if len(opening.split()) <= 4 and _is_agent(opening) and opening.lower() not in _PRONOUNS:
        context.last_agent = context.acting = opening
        context.recent.append((at, _predicate(sentence.text, opening), opening))
    return None


def _party_meant(
    reading: _Reading, context: _Context, default: str, section: tuple[str, ...], at: int
) -> str:
    """The words for who bears the duty: the subject, or whom a pronoun, "we", a reference
    back or a requirement on a thing points to (`default`: the document's main party)."""
    words = reading.subject
    if words.lower() == "we" and context.we_are:
        return context.we_are
    if words.lower() == "it":  # more often a thing than a body: only the one just named
        return context.named_before or default
    if words.lower() in _PRONOUNS:
        return context.last_agent or _heading_actor(section) or default
    if reading.refers_back:
        return context.acted_before or default
    if not reading.agent:
        # A definite thing ("The assessment must be ...") is the one a party was just
        # said to deal with; with no main party, so is any thing.
        window = [r for r in context.recent if r[0] >= at - TOPIC_WINDOW]
        followed = _acted_on(reading.topic, window)
        return (followed or default) if reading.definite else (default or followed)
    return words


# How many sentences back a thing is followed to the party that last dealt with it.
TOPIC_WINDOW = 5


def _acted_on(topic: str, recent: list[tuple[int, str, str]]) -> str:
    """Who a requirement on a thing falls to when a sentence just before had a named party deal
    with the same thing: "Schools have a window in which they must administer the assessment.
    ... The assessment must be administered within this window." gives "Schools"."""
    if not topic:
        return ""
    stem = topic[:-1] if topic.endswith("s") and not topic.endswith("ss") else topic
    mention = re.compile(rf"\b{re.escape(stem)}(?:e?s)?\b", re.I)
    for _, text, words in reversed(recent):
        if mention.search(text):
            return words
    return ""


def _predicate(text: str, subject: str) -> str:
    """What `text` says after its subject `subject` (all of it when the subject is not found):
    a thing named inside the subject ("A person who has a certificate must") is not acted on."""
    at = text.find(subject) if subject else -1
    return text[at + len(subject) :] if at >= 0 else text


def _duty(chunk: Chunk, sentence: Sentence, actor: str, words: str, strength: str) -> Duty:
    lead = chunk.lead_in(sentence)
    return Duty(
        text=sentence.text,
        doc_id=chunk.doc_id,
        title=chunk.title,
        section=chunk.section,
        page=sentence.page if sentence.page is not None else chunk.page,
        start=sentence.start,
        end=sentence.end,
        actor=actor,
        actor_text=words,
        strength=strength,
        chunk_id=chunk.id,
        chunk_start=sentence.chunk_start,
        chunk_end=sentence.chunk_end,
        lead_in=lead.text if lead is not None else "",
    )
