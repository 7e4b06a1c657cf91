// Expected failures as values. Decoders, validators and domain decisions return
// Result<T>; an Error names what was wrong (a stable machine-readable code, the
// offending field when there is one, and a sentence for a person).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace wm {

struct Error {
  std::string code;     // stable, snake_case: "missing_field", "out_of_range", ...
  std::string field;    // the offending field or entry, empty when none applies
  std::string message;  // what was wrong and, where useful, what to do

  // "code: message" or "code (field): message"; used in logs and quarantine details.
  [[nodiscard]] std::string to_string() const {
    if (field.empty()) return code + ": " + message;
    return code + " (" + field + "): " + message;
  }
};

inline Error make_error(std::string code, std::string field, std::string message) {
  return Error{std::move(code), std::move(field), std::move(message)};
}

// Either a value or an Error. Deliberately small: ok(), value(), error().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

// Result of an operation with no value.
struct Ok {};
using Status = Result<Ok>;

}  // namespace wm
