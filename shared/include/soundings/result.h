// Expected failures as values: an error code plus a plain-English message, and Result<T>.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace soundings {

enum class ErrorCode {
  InvalidInput,     // a file, request or answer that breaks the rules
  NotFound,         // the thing asked for does not exist
  Conflict,         // same id, different content
  Storage,          // SQLite or the file system failed
  Corrupt,          // a file that is damaged or not what it claims to be
  TooNew,           // written by a newer version of Soundings
  Crypto,           // sealing or key problems
  Internal,         // a bug: should never happen
};

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
};

// One problem found in a document, located by a JSON path such as
// `pages[1].questions[3].show_if`.
struct Problem {
  std::string path;
  std::string message;
};

// Renders "path: message" (or just the message when the path is empty).
std::string describe(const Problem& problem);

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}                  // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}              // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result of an operation that returns nothing but may fail.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  static Status success() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace soundings
