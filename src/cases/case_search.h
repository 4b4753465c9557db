// zhifa::cases — the terms of the case search index (table case_terms, migration 0010): a free
// text `q` of the case list is answered from the index, not by scanning every title and party
// name (bench/README.md "Cases (issue 5)"). Portable SQL only (no FTS5, no pg_trgm): the index is
// a plain table of (term, case_id) rows written with the case row (case_rows.h InsertCase).
//
// The terms of a text are its character bigrams and its characters (unigrams; migration 0011):
// the text is split into runs of word characters (ASCII letters and digits, and every non-ASCII
// character except CJK and general punctuation and the full-width space), ASCII letters
// lowercased; every two adjacent code points of a run are one term, and every code point of a
// run is one. A text that contains q as a substring contains every term of q (QueryTerms: the
// bigrams of q's runs, the unigram of a one-character run), so the cases holding all of q's terms
// are a superset of the matches, which a LIKE then confirms — except when q is one term exactly
// (one or two word characters, no ASCII letter, whose case LIKE may treat differently per
// database): then the term's cases are the matches. A query with no term (only punctuation or
// spaces) falls back to the LIKE scan.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zhifa::cases {

// The distinct bigrams of `text`, sorted. Invalid UTF-8 bytes separate runs.
std::vector<std::string> SearchBigrams(std::string_view text);

// The terms a case is indexed under: the bigrams and unigrams of its title (案由) and of its
// party's name.
std::vector<std::string> CaseTerms(std::string_view title, std::string_view party_name);

// The unigrams alone (the terms migration 0011 adds to cases indexed before it).
std::vector<std::string> CaseUnigrams(std::string_view title, std::string_view party_name);

// The terms of a free-text query (see above), sorted; `exact` when the one term is the query.
struct QueryTerms {
  std::vector<std::string> terms;
  bool exact = false;
};
QueryTerms SearchQueryTerms(std::string_view q);

}  // namespace zhifa::cases
