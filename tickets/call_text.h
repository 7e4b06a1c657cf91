// What a caller's free text says, in the form the hotline classifier and the machine
// look-up use. Callers write Chinese, English and both at once, with full-width letters
// from Chinese input methods, typos and machine ids in the middle of a sentence.
//
// Contract: pure functions of the text; no locale is consulted. Input is untrusted UTF-8:
// bytes that do not decode are treated as separators, never an error.
// Thread-safe: no state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wm::tickets {

// Features of one text for the classifier, in order of appearance (duplicates kept):
//   - Chinese (CJK ideograph runs): character 1-, 2- and 3-grams, "z:漏", "z:漏水",
//     "z:在漏水". Chinese has no spaces, and two characters carry most of a word.
//   - Latin runs (after folding full-width forms and lower-casing): words with apostrophes
//     dropped ("didn't" -> "didnt"), "w:leak", word bigrams "b:is leaking", and character
//     3- and 4-grams of each word with boundary marks ("c:<le", "c:eak>") so that a typo
//     or another ending ("leeking", "leaked") still shares most of its features.
//   - Numbers become "#"; a number glued to a unit ("5yuan", "20ml") gives "#" and the
//     unit; fault codes shown on a screen (e01..e99) stay words ("w:e08").
//   - Machine ids ("wm-0007", "WM0007", "A3-12") are dropped: which machine a caller
//     means says nothing about what is wrong with it.
std::vector<std::string> call_text_features(std::string_view text);

// Tokens of `text` that may name a machine, in order of appearance, without duplicates:
// maximal runs of [A-Za-z0-9_-] (full-width forms folded first) with leading and trailing
// '-' and '_' trimmed, 2 to 64 characters long, holding at least one digit and at least
// one letter or inner '-' ("wm-0007", "WM0007", "b3", "0007-a"). Case is kept as written;
// these are candidates for the caller to match against the inventory with
// machine_id_key(), and many will match nothing ("20ml", "2024-05-01").
std::vector<std::string> mentioned_ids(std::string_view text);

// The key under which a machine id is matched to what a caller wrote: ASCII lower-cased,
// '-' and '_' removed, so "WM0007", "wm-0007" and "Wm_0007" share the key "wm0007". Two
// inventory ids that share a key are ambiguous and should both be offered.
std::string machine_id_key(std::string_view id);

}  // namespace wm::tickets
