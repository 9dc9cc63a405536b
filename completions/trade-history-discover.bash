# bash completion for trade-history-discover. Self-contained: plain `complete -F`,
# nothing from the bash-completion package. Installed as
# <prefix>/share/bash-completion/completions/trade-history-discover; or: source this file.
# Keep in step with --help: tests/cli/test_install.py checks that every option of
# every command's --help is offered here.

_trade_history_discover_commands="run inventory cache-optimize report init help"
_trade_history_discover_globals="--data-dir --cache-dir --remote-cache --config -v --verbose -q --quiet
  --show-config --report --version -h --help"
_trade_history_discover_services="yahoo_finance fmp alpha_vantage fred_economic sec_edgar coingecko imf_data"

_trade_history_discover_options() {
  case $1 in
    run) echo "--portfolio --csv --output --max-concurrent --pool-size --max-calls-per-minute
      --max-api-calls --timeout --slow-call --max-rss-mb --offline --services --full-market-data
      --no-data-ttl --stale-days --dry-run --reset-breakers --no-progress --report --strict" ;;
    inventory) echo "--portfolio --tickers --report --stale-days" ;;
    cache-optimize) echo "--remote --cleanup --dry-run --max-size --evict-older-than --zero-stats --report" ;;
    report) echo "--portfolio --format --output" ;;
    *) echo "" ;;
  esac
}

# Files (and directories to walk into), optionally only those ending in $2.
_trade_history_discover_files() {
  local cur=$1 ext=$2 f
  COMPREPLY=()
  while IFS= read -r f; do
    if [ -d "$f" ] || [ -z "$ext" ] || [[ $f == *"$ext" ]]; then COMPREPLY+=("$f"); fi
  done < <(compgen -f -- "$cur")
  compopt -o filenames 2>/dev/null
  return 0
}

_trade_history_discover() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" data_dir=${THD_DATA_DIR:-./data} i w
  [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()

  # The command: the first word that is one, skipping the values of options that take one.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case $w in
      --data-dir) data_dir=${COMP_WORDS[i + 1]}; ((i++)); continue ;;
      --cache-dir | --remote-cache | --config | --report | --portfolio | --csv | --output | --tickers | \
        --format | --max-* | --pool-size | --timeout | --slow-call | --services | --no-data-ttl | \
        --stale-days | --evict-older-than) ((i++)); continue ;;
      -*) continue ;;
    esac
    if [ -z "$cmd" ] && [[ " $_trade_history_discover_commands " == *" $w "* ]]; then cmd=$w; fi
  done

  # The value of the option before the cursor.
  case $prev in
    --data-dir | --cache-dir)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur"); compopt -o filenames 2>/dev/null; return 0 ;;
    --config) _trade_history_discover_files "$cur" .toml; return 0 ;;
    --csv) _trade_history_discover_files "$cur" .csv; return 0 ;;
    --output) _trade_history_discover_files "$cur" ""; return 0 ;;
    --report)
      case $cmd in
        run) mapfile -t COMPREPLY < <(compgen -W "html markdown json" -- "$cur") ;;
        *) mapfile -t COMPREPLY < <(compgen -W "table json" -- "$cur") ;;
      esac
      return 0 ;;
    --format) mapfile -t COMPREPLY < <(compgen -W "table markdown html" -- "$cur"); return 0 ;;
    --services)
      # A comma-separated list: complete the last name.
      local done_part="" last=$cur
      if [[ $cur == *,* ]]; then done_part=${cur%,*},; last=${cur##*,}; fi
      mapfile -t COMPREPLY < <(compgen -P "$done_part" -W "$_trade_history_discover_services" -- "$last")
      compopt -o nospace 2>/dev/null
      return 0 ;;
    --portfolio)
      if [[ $cur == */* || $cur == *.csv ]]; then _trade_history_discover_files "$cur" .csv; return 0; fi
      # The portfolios of the data directory: names without the date, and the dated names.
      local names=() f base
      for f in "$data_dir"/raw/trade_history/*.csv; do
        [ -e "$f" ] || continue
        base=${f##*/}; base=${base%.csv}
        names+=("$base")
        [[ $base =~ ^(.+)_[0-9]{8}$ ]] && names+=("${BASH_REMATCH[1]}")
      done
      mapfile -t COMPREPLY < <(compgen -W "${names[*]}" -- "$cur" | sort -u)
      return 0 ;;
    --remote-cache | --tickers | --max-* | --pool-size | --timeout | --slow-call | --no-data-ttl | \
      --stale-days | --evict-older-than)
      return 0 ;;  # a value of the user's
  esac

  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_trade_history_discover_options "$cmd") $_trade_history_discover_globals" -- "$cur")
    return 0
  fi
  case $cmd in
    "" | help) mapfile -t COMPREPLY < <(compgen -W "$_trade_history_discover_commands" -- "$cur") ;;
    report) _trade_history_discover_files "$cur" .json ;;
  esac
  return 0
}

complete -F _trade_history_discover trade-history-discover
