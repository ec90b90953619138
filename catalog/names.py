"""Matching user-typed names to concepts, following siibra's rules.

siibra decides which atlas, space, parcellation or region a string such as
``julich 3.1`` or ``hOc1 left`` names. The metadata index answers without
importing siibra, so these functions reproduce its matching over the names
in the index, using the cleaning vocabulary the snapshot recorded from
siibra. Tests compare the results with siibra's own on real names.
"""

from __future__ import annotations

import re

from catalog.snapshot import NameVocabulary

_REGION_WORD_SPLIT = re.compile(r"[^a-zA-Z0-9.\-]")
_CONCEPT_WORD_SPLIT = re.compile(r"[ -]")


def clear_name(name: str, vocabulary: NameVocabulary) -> str:
    """siibra's name cleaning: drops filler words, rewrites prefixes."""
    for word in vocabulary.remove:
        name = name.replace(word, "")
    for search, replacement in vocabulary.replace:
        name = name.replace(search, replacement)
    return " ".join(w for w in name.split(" ") if w)


def squeezed_name(name: str, vocabulary: NameVocabulary) -> str:
    """A concept's name as siibra matches specifications against it."""
    return clear_name(name.lower(), vocabulary).replace(" ", "")


def concept_name_matches(spec: str, squeezed: str) -> bool:
    """siibra's rule for atlases, spaces and parcellations: every word of the
    specification appears somewhere in the squeezed name."""
    words = _CONCEPT_WORD_SPLIT.split(spec)
    return (
        all(w.lower() in squeezed for w in words) or spec.replace(" ", "") in squeezed
    )


def key_words_match(spec: str, key: str) -> bool:
    """siibra's fallback when no name matches: every word appears in the key."""
    words = spec.split()
    return bool(words) and all(w.lower() in key.lower() for w in words)


def region_words(name: str, vocabulary: NameVocabulary) -> tuple[str, ...]:
    """The words of a region name that region specifications are matched to."""
    cleaned = clear_name(name.lower(), vocabulary)
    return tuple(w for w in _REGION_WORD_SPLIT.split(cleaned) if w)


def query_words(spec: str, vocabulary: NameVocabulary) -> tuple[str, ...]:
    return tuple(
        w.lower() for w in _REGION_WORD_SPLIT.split(clear_name(spec, vocabulary)) if w
    )


def region_words_match(
    query: tuple[str, ...], words: tuple[str, ...], strict: bool
) -> bool:
    """Whether every query word names a word of the region.

    siibra also lets ``lp`` match ``vlp`` (so that ``1`` finds ``v1``); the
    strict form does not, which keeps ``LP ... right`` from matching ``VLP``.
    """
    if not query:
        return False
    if strict:
        return all(q in words for q in query)
    return all(q in words or "v" + q in words for q in query)


def full_word_match(spec: str, name: str) -> bool:
    """siibra's tie-breaker: the query contains every word of the name."""
    query = {w.replace(",", "").lower() for w in spec.split()}
    target = {w.lower() for w in name.split()}
    return len(query & target) == len(target)
