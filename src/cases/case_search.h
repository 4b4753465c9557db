// zhifa::cases — the terms of the case search index (table case_terms, migration 0010): a free
// text `q` of the case list is answered from the index, not by scanning every title and party
// name (bench/README.md "Cases (issue 5)"). Portable SQL only (no FTS5, no pg_trgm): the index is
// a plain table of (term, case_id) rows written with the case row (case_rows.h InsertCase).
//
// The terms of a text are its character bigrams: the text is split into runs of word characters
// (ASCII letters and digits, and every non-ASCII character except CJK and general punctuation
// and the full-width space), ASCII letters lowercased, and every two adjacent code points of a
// run are one term. A text that contains q as a substring contains every bigram of q, so the
// cases holding all of q's bigrams are a superset of the matches, which a LIKE then confirms. A
// query with no bigram (one character, or only punctuation) has no terms: the list falls back to
// the LIKE scan.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zhifa::cases {

// The distinct bigrams of `text`, sorted. Invalid UTF-8 bytes separate runs.
std::vector<std::string> SearchBigrams(std::string_view text);

// The terms a case is indexed under: the bigrams of its title (案由) and of its party's name.
std::vector<std::string> CaseTerms(std::string_view title, std::string_view party_name);

}  // namespace zhifa::cases
