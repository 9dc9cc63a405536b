// The run's secrets (API keys, passwords in URLs) and the one function that
// takes them out of text: redact(). Registered once at startup (cli), before
// anything is read from outside; applied where text enters (every provider
// answer and error, in the engine) and where it leaves (the log sink, the
// final error line, the document, the tables). docs/NETWORK.md, Secrets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace thd {

// Values shorter than this are not redacted from free text: a shorter one
// could be an ordinary word or number of the output ("data", "2026"), and
// replacing it would mangle data; real API keys are 16 to 40 characters.
// register_secret()
// says false for them so that the caller can warn; they are still never
// written by the tool itself (URLs are shown only through redact_url()).
inline constexpr std::size_t k_min_secret_length = 8;

// Registers `value` (and its percent-encoded form when that differs).
// Empty values are ignored (true); too short ones are refused (false).
bool register_secret(std::string_view value);
// Registers the credentials in a URL's user info ("scheme://user:pass@host"):
// the password, or the user when there is no password (a token as user),
// each as written and percent-decoded. False when one was too short.
bool register_url_secrets(std::string_view url);
// Every THD_* variable of the process environment whose value is a URL
// (base URLs, a remote cache): its credentials. False when one was too short.
bool register_environment_url_secrets();

// `text` with every registered secret replaced by "<redacted>".
std::string redact(std::string_view text);
bool contains_secret(std::string_view text);
// Tests only.
void clear_secrets();

}  // namespace thd
