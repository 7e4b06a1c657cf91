// The call classifier of the running gateway: trained once, on first use, from the
// labelled sentences compiled into the binary (tickets/data/hotline_sentences.tsv), then
// shared read-only by every HTTP thread.
#pragma once

#include "tickets/call_classifier.h"

namespace wm::gateway {

// Aborts with a message when the embedded data set cannot be trained on (a build bug).
const tickets::CallClassifier& call_classifier();

}  // namespace wm::gateway
