// tickets/data/hotline_unseen.tsv, compiled into the classifier's test only: sentences
// written apart from the training file to measure how the classifier does on text it has
// never seen. Never train on it.
#pragma once

#include <string_view>

namespace wm::tickets {

std::string_view hotline_unseen_data();

}  // namespace wm::tickets
