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

# Adds to COMPREPLY each of the remaining arguments that starts with $1. Names read
# from disk go through here, never through `compgen -W` (which would expand a
# file named '$(cmd).csv' and split a name with a space).
_trade_history_discover_add_matching() {
  local cur=$1 n
  shift
  for n in "$@"; do
    [[ $n == "$cur"* ]] && COMPREPLY+=("$n")
  done
  return 0
}

# The portfolio names in $1/raw/trade_history (undated, and also the dated
# names when $2 is "dated"); or, for report, in $1/outputs/trade_history/discovery
# (undated only: report wants the portfolio's name).
_trade_history_discover_portfolios() {
  local dir=$1 kind=$2 f base seen=" "
  local -a names=()
  if [ "$kind" = documents ]; then
    for f in "$dir"/outputs/trade_history/discovery/*.json; do
      [ -e "$f" ] || continue
      base=${f##*/}; base=${base%.json}
      [[ $base =~ ^(.+)_[0-9]{8}$ ]] && names+=("${BASH_REMATCH[1]}")
    done
  else
    for f in "$dir"/raw/trade_history/*.csv; do
      [ -e "$f" ] || continue
      base=${f##*/}; base=${base%.csv}
      names+=("$base")
      [[ $base =~ ^(.+)_[0-9]{8}$ ]] && names+=("${BASH_REMATCH[1]}")
    done
  fi
  for base in "${names[@]}"; do
    [[ $seen == *" $base/ "* ]] && continue
    seen+="$base/ "
    printf '%s\n' "$base"
  done
}

_trade_history_discover() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" data_dir=${THD_DATA_DIR:-./data} i w topic=""
  local eq_prefix=""
  [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  # --opt=value: bash splits it at '=' (COMP_WORDBREAKS) into '--opt' '=' 'value'.
  if [ "$cur" = "=" ]; then
    cur=""
  elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  elif [[ $cur == --*=* ]]; then  # '=' not a word break: one word, offered back whole
    prev=${cur%%=*}; eq_prefix=$prev=; cur=${cur#*=}
  fi

  # The command: the first word that is one, skipping the values of options that take one.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [ "${COMP_WORDS[i + 1]}" = "=" ] && [ $((i + 1)) -lt "$COMP_CWORD" ]; then
      # '--opt' '=' 'value': the value is two words on
      [ "$w" = --data-dir ] && data_dir=${COMP_WORDS[i + 2]}
      ((i += 2)); continue
    fi
    case $w in
      --data-dir=*) data_dir=${w#--data-dir=}; continue ;;
      --data-dir) data_dir=${COMP_WORDS[i + 1]}; ((i++)); continue ;;
      --cache-dir | --remote-cache | --config | --report | --portfolio | --csv | --output | --tickers | \
        --format | --max-* | --pool-size | --timeout | --slow-call | --services | --no-data-ttl | \
        --stale-days | --evict-older-than) ((i++)); continue ;;
      -*) continue ;;
    esac
    if [ -z "$cmd" ] && [[ " $_trade_history_discover_commands " == *" $w "* ]]; then
      cmd=$w
    elif [ "$cmd" = help ] && [ -z "$topic" ]; then
      topic=$w
    fi
  done
  # ~ as the shell would expand it (the word is still unexpanded while completing).
  [[ $data_dir == "~" || $data_dir == "~/"* ]] && data_dir=$HOME${data_dir#"~"}

  # The value of the option before the cursor.
  case $prev in
    --data-dir | --cache-dir)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur"); compopt -o filenames 2>/dev/null ;;
    --config) _trade_history_discover_files "$cur" .toml ;;
    --csv) _trade_history_discover_files "$cur" .csv ;;
    --output) _trade_history_discover_files "$cur" "" ;;
    --report)
      case $cmd in
        run) _trade_history_discover_add_matching "$cur" html markdown json ;;
        *) _trade_history_discover_add_matching "$cur" table json ;;
      esac ;;
    --format) _trade_history_discover_add_matching "$cur" table markdown html ;;
    --services)
      # A comma-separated list: complete the last name.
      local done_part="" last=$cur s
      if [[ $cur == *,* ]]; then done_part=${cur%,*},; last=${cur##*,}; fi
      for s in $_trade_history_discover_services; do
        [[ $s == "$last"* ]] && COMPREPLY+=("$done_part$s")
      done
      compopt -o nospace 2>/dev/null ;;
    --portfolio)
      if [ "$cmd" != report ] && [[ $cur == */* || $cur == *.csv ]]; then
        _trade_history_discover_files "$cur" .csv
      else
        local -a names=()
        if [ "$cmd" = report ]; then
          mapfile -t names < <(_trade_history_discover_portfolios "$data_dir" documents)
        else
          mapfile -t names < <(_trade_history_discover_portfolios "$data_dir" dated)
        fi
        _trade_history_discover_add_matching "$cur" "${names[@]}"
      fi ;;
    --remote-cache | --tickers | --max-* | --pool-size | --timeout | --slow-call | --no-data-ttl | \
      --stale-days | --evict-older-than)
      ;;  # a value of the user's
    *)
      if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_trade_history_discover_options "$cmd") $_trade_history_discover_globals" -- "$cur")
      else
        case $cmd in
          "") _trade_history_discover_add_matching "$cur" $_trade_history_discover_commands ;;
          help) [ -z "$topic" ] && _trade_history_discover_add_matching "$cur" $_trade_history_discover_commands ;;
          report) _trade_history_discover_files "$cur" .json ;;
        esac
      fi
      return 0 ;;
  esac
  if [ -n "$eq_prefix" ]; then
    for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=$eq_prefix${COMPREPLY[i]}; done
  fi
  return 0
}

complete -F _trade_history_discover trade-history-discover
