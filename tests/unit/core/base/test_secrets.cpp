#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "core/base/log.hpp"
#include "core/base/secrets.hpp"

using namespace thd;

namespace {
struct Fresh {
  Fresh() { clear_secrets(); }
  ~Fresh() { clear_secrets(); }
};
}  // namespace

TEST_CASE("redact replaces every registered secret whatever surrounds it") {
  Fresh fresh;
  CHECK(redact("nothing registered: abcd") == "nothing registered: abcd");
  CHECK(register_secret("K3YK3YK3"));
  CHECK(redact("api_key 'K3YK3YK3' is not registered") == "api_key '<redacted>' is not registered");
  CHECK(redact("apikey=K3YK3YK3&x=K3YK3YK3K3YK3YK3") == "apikey=<redacted>&x=<redacted>");  // adjacent: one
  CHECK(redact("K3YK3YK") == "K3YK3YK");
  CHECK(contains_secret("xxK3YK3YK3xx"));
  CHECK_FALSE(contains_secret("K3Y"));
}

TEST_CASE("overlapping secrets become one redaction, the longest wins") {
  Fresh fresh;
  register_secret("abcdefgh");
  register_secret("fghijklm");
  register_secret("abcdefghij");
  CHECK(redact("1abcdefghijklm2") == "1<redacted>2");
  CHECK(redact("abcdefgh-fghijklm") == "<redacted>-<redacted>");
}

TEST_CASE("empty and short values: empty ignored, short refused and never redacted") {
  Fresh fresh;
  CHECK(register_secret(""));
  // Shorter than 8: could be a word or a number of the output ("data", "2026"): refused.
  CHECK_FALSE(register_secret("abcdefg"));
  CHECK(redact("abcdefg abcdefg") == "abcdefg abcdefg");
  CHECK(register_secret("abcdefgh"));
  CHECK(redact("abcdefgh") == "<redacted>");
}

TEST_CASE("a secret's percent-encoded form is redacted too") {
  Fresh fresh;
  register_secret("p@ss/w0rd!");
  CHECK(redact("url user:p%40ss%2Fw0rd%21@host") == "url user:<redacted>@host");
  CHECK(redact("said p@ss/w0rd!") == "said <redacted>");
}

TEST_CASE("URL credentials: the password, or a token as user; encoded and decoded") {
  Fresh fresh;
  CHECK(register_url_secrets("https://api.example.com/x"));
  CHECK(register_url_secrets("redis://:s3cr%21t-long@127.0.0.1:6379/0"));
  CHECK(redact("auth s3cr!t-long failed") == "auth <redacted> failed");
  CHECK(redact("s3cr%21t-long") == "<redacted>");
  CHECK(register_url_secrets("https://user:hunter2hunter2@host/p?q=1"));
  CHECK(redact("user hunter2hunter2") == "user <redacted>");
  CHECK(register_url_secrets("https://TOKEN1234@host/"));
  CHECK(redact("TOKEN1234") == "<redacted>");
  CHECK_FALSE(register_url_secrets("https://u:pw@host/"));  // too short to redact: the caller warns
  CHECK(register_url_secrets("https://u:@host/"));          // no password
  CHECK(redact("u: pw") == "u: pw");
}

TEST_CASE("THD_* variables holding URLs give their credentials") {
  Fresh fresh;
  ::setenv("THD_TEST_SECRETS_URL", "redis://:envpassword9@127.0.0.1:6379", 1);
  ::setenv("OTHER_TEST_SECRETS_URL", "https://u:notours77@127.0.0.1/", 1);
  CHECK(register_environment_url_secrets());
  CHECK(redact("envpassword9 notours77") == "<redacted> notours77");
  ::unsetenv("THD_TEST_SECRETS_URL");
  ::unsetenv("OTHER_TEST_SECRETS_URL");
}

TEST_CASE("the terminal writers redact: log lines, printf-style prints, raw text") {
  Fresh fresh;
  register_secret("T3RM1NAL");
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  print(f, "missing %d: %s\n", 2, "fmp: key 'T3RM1NAL' unknown");
  write_terminal(f, "{\"x\":\"T3RM1NAL\"}\n");
  std::rewind(f);
  std::string got;
  char buf[256];
  while (size_t n = std::fread(buf, 1, sizeof buf, f)) got.append(buf, n);
  std::fclose(f);
  CHECK(got == "missing 2: fmp: key '<redacted>' unknown\n{\"x\":\"<redacted>\"}\n");
}

TEST_CASE("a log line is redacted and escaped, whoever wrote the message") {
  Fresh fresh;
  register_secret("L0GL1NE8");
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(::fileno(f), STDERR_FILENO);
  log_warning("file a\x1b[2Jb.csv: key L0GL1NE8\x07");
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::rewind(f);
  std::string got;
  char buf[256];
  while (size_t n = std::fread(buf, 1, sizeof buf, f)) got.append(buf, n);
  std::fclose(f);
  CHECK(got == "trade-history-discover: warning: file a\\x1B[2Jb.csv: key <redacted>\\x07\n");
}

TEST_CASE("redact_url drops the query and the whole user info, up to the authority's last '@'") {
  CHECK(redact_url("https://user:key@host/path?apikey=S&x=1") == "https://<redacted>@host/path?<redacted>");
  CHECK(redact_url("https://u:pa@ss9word@api.example.com/v1") == "https://<redacted>@api.example.com/v1");
  CHECK(redact_url("redis://:pw@@127.0.0.1:6379/0") == "redis://<redacted>@127.0.0.1:6379/0");
  // Any '@' may end a password that holds '/', '?' or '#': redacted up to the last '@' of the whole text.
  CHECK(redact_url("https://host/a@b") == "https://<redacted>@b");
  CHECK(redact_url("https://alice:Tr0ub4dor/3xyz@api.example.com/fmp") ==
        "https://<redacted>@api.example.com/fmp");
  CHECK(redact_url("https://alice:s3cr3t#pass@api.example.com/fmp") ==
        "https://<redacted>@api.example.com/fmp");
  CHECK(redact_url("https://alice:s3?cr#et@api.example.com/fmp?k=1") ==
        "https://<redacted>@api.example.com/fmp?<redacted>");
  CHECK(redact_url("http:/user:pw@host") == "http:/<redacted>@host");
  CHECK(redact_url("http:user:pw@host/x") == "http:<redacted>@host/x");
  CHECK(redact_url("user:pw@host") == "user:<redacted>@host");
  CHECK(redact_url("https://host") == "https://host");
}
