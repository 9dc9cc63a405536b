# Sourced by scripts/demo, scripts/test and .ci/run: installs what is missing.
# Debian 12 packages only; nothing is downloaded at build time.

THD_PACKAGES=(g++ cmake ninja-build pkg-config python3 python3-jsonschema
  libcli11-dev libcurl4-openssl-dev libsimdjson-dev libssl-dev doctest-dev libtomlplusplus-dev
  libhiredis-dev redis-server)

# What the tests need beyond the build (scripts/test, hence .ci/run; not the demo): Debian's
# chromium renders the HTML report in tests/cli/test_report_browser.py. Without recommends, on top of
# THD_PACKAGES: about 150 packages, 190 MB to download, 670 MB installed (chromium and
# chromium-common are 113 MB of the download; the rest is GTK, Mesa with its LLVM, D-Bus); apt's
# simulation, docs/CI.md. tmux drives the progress line on a real terminal
# (tests/cli/test_progress_tty.py); man-db and groff-base render the installed man page
# (tests/cli/test_install.py), zsh runs the zsh completion there (1.5 MB). The bash completion
# needs nothing more: it is plain `complete -F`.
THD_TEST_PACKAGES=(chromium tmux man-db groff-base zsh)

thd_install() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq >&2 || return 1
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

thd_install_base() { thd_install "${THD_PACKAGES[@]}"; }
thd_install_test() { thd_install "${THD_PACKAGES[@]}" "${THD_TEST_PACKAGES[@]}"; }
