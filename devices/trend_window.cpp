#include "devices/trend_window.h"

#include <algorithm>
#include <cmath>

namespace wm::devices {
namespace {

// Median of the first n values of v (reorders them).
double median_of(std::span<float> v, int n) {
  const auto mid = v.begin() + n / 2;
  std::nth_element(v.begin(), mid, v.begin() + n);
  if (n % 2 == 1) return *mid;
  const float upper = *mid;
  const float lower = *std::max_element(v.begin(), mid);
  return 0.5 * (static_cast<double>(lower) + static_cast<double>(upper));
}

}  // namespace

std::optional<double> TrendFit::x_at(double limit) const {
  if (slope == 0) return std::nullopt;
  const double x = (limit - intercept) / slope;
  // Heading there: the line moves toward the limit as x grows.
  const double now = at(x_last);
  if ((limit - now) * slope < 0) return x_last;  // already past the limit
  return x;
}

void TrendWindow::add(double x, double y) {
  if (count_ < kCapacity) {
    xs_[slot(count_)] = static_cast<float>(x);
    ys_[slot(count_)] = static_cast<float>(y);
    ++count_;
    return;
  }
  xs_[head_] = static_cast<float>(x);
  ys_[head_] = static_cast<float>(y);
  head_ = static_cast<std::uint8_t>((head_ + 1) % kCapacity);
}

TrendFit TrendWindow::fit(std::span<float> scratch, int newest) const {
  TrendFit f;
  const int n = std::min<int>(count_, newest);
  const int first = count_ - n;
  f.points = n;
  if (n < 3) return f;
  int slopes = 0;
  long s = 0;  // Mann–Kendall S: concordant minus discordant pairs
  for (int i = first; i < count_; ++i) {
    const float xi = xs_[slot(i)], yi = ys_[slot(i)];
    for (int j = i + 1; j < count_; ++j) {
      const float dy = ys_[slot(j)] - yi;
      s += (dy > 0) - (dy < 0);
      const float dx = xs_[slot(j)] - xi;
      if (dx > 0) scratch[slopes++] = dy / dx;
    }
  }
  f.x_last = x(count_ - 1);
  const double nn = n;
  const double var_s = nn * (nn - 1) * (2 * nn + 5) / 18.0;
  if (s != 0) f.mk_z = (static_cast<double>(s) - (s > 0 ? 1 : -1)) / std::sqrt(var_s);
  if (slopes == 0) return f;
  f.slope = median_of(scratch, slopes);
  for (int i = 0; i < n; ++i) {
    scratch[i] = static_cast<float>(y(first + i) - f.slope * x(first + i));
  }
  f.intercept = median_of(scratch, n);
  return f;
}

}  // namespace wm::devices
