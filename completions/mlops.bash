# bash completion for mlops: commands, flags and model names.
# Install: source this file, or copy it to /usr/share/bash-completion/completions/mlops.
_mlops() {
  local cur prev words cword
  _init_completion 2>/dev/null || {
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
  }
  local global="--store --context -o --output --no-headers -q --quiet -v --verbose --no-color --version -h --help"
  case "$prev" in
    --store | -d | --dir | --tls-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --ca | --cert | --key) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -o | --output) COMPREPLY=($(compgen -W "table wide json yaml name" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "text dot mermaid" -- "$cur")); return ;;
    --on-stop) COMPREPLY=($(compgen -W "cancel finish" -- "$cur")); return ;;
    --context) COMPREPLY=($(compgen -W "local $(mlops context list -o name 2>/dev/null | sed 's|^context/||')" -- "$cur")); return ;;
    --role) COMPREPLY=($(compgen -W "viewer operator approver admin" -- "$cur")); return ;;
    --ion) COMPREPLY=($(compgen -W "$(mlops ion get -o name 2>/dev/null | sed 's|^ion/||')" -- "$cur")); return ;;
    -f | --filename) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  local path="" w i
  for ((i = 1; i < cword; i++)); do
    w=${words[i]}
    case "$w" in
      --store | --context | -o | --output | -d | --dir | -n | --name | --metric | --param | --label | -l | --selector | \
        -f | --filename | --cause | --to-revision | --format | --node | --ion | --to | --on-stop | --comment | \
        --host | --days | --role | --expires | --listen | --tls-dir | --server | --token | --ca | --cert | --key | --config) ((i++)) ;;
      -*) ;;
      *) path="$path $w" ;;
    esac
  done
  local subs="" flags=""
  case "${path# }" in
    "") subs="agent certs context events init ion model pipeline run server store token wait" ;;
    context) subs="add use list delete" ;;
    "context add"*) flags="--server --ca --token --cert --key" ;;
    "context use"* | "context delete"*)
      COMPREPLY=($(compgen -W "$(mlops context list -o name 2>/dev/null | sed 's|^context/||')" -- "$cur")) ;;
    server) subs="run" ;;
    "server run"*) flags="--listen --tls-dir --insecure-http" ;;
    token) subs="create list revoke" ;;
    "token create"*) flags="--role --name --expires" ;;
    "token revoke"*) COMPREPLY=($(compgen -W "$(mlops token list -o name 2>/dev/null | sed 's|^token/||')" -- "$cur")) ;;
    certs) subs="init" ;;
    "certs init"*) flags="--dir --host --days" ;;
    agent) subs="run join list revoke" ;;
    "agent revoke"*) COMPREPLY=($(compgen -W "$(mlops agent list -o name 2>/dev/null | sed 's|^agent/||')" -- "$cur")) ;;
    "agent join"*) flags="--server --token --name --ca --dir" ;;
    "agent run"*) flags="--local --config --name --label --ion --on-stop" ;;
    events*) flags="--ion -f --follow" ;;
    run) subs="list show logs cancel" ;;
    "run show"* | "run logs"* | "run cancel"*)
      flags="-f --follow --no-wait"
      COMPREPLY=($(compgen -W "$(mlops run list -o name 2>/dev/null | sed 's|^run/||')" -- "$cur")) ;;
    ion) subs="apply validate diff get describe history rollback delete graph run" ;;
    "ion apply"* | "ion validate"* | "ion diff"*)
      flags="-f --filename --dry-run --cause"
      COMPREPLY=($(compgen -f -- "$cur")) ;;
    "ion get"* | "ion describe"* | "ion history"* | "ion rollback"* | "ion delete"* | "ion graph"* | "ion run"*)
      flags="--to-revision --format --node"
      COMPREPLY=($(compgen -W "$(mlops ion get -o name 2>/dev/null | sed 's|^ion/||')" -- "$cur")) ;;
    pipeline) subs="upload list show download delete" ;;
    "pipeline upload"*) COMPREPLY=($(compgen -d -- "$cur")) ;;
    "pipeline list"* | "pipeline show"* | "pipeline download"* | "pipeline delete"*)
      flags="-d --dir"
      local pipes
      pipes=$(mlops pipeline list -o name 2>/dev/null | sed 's|^pipeline/||')
      COMPREPLY=($(compgen -W "$pipes $(printf '%s\n' $pipes | cut -d: -f1 | sort -u)" -- "$cur")) ;;
    model) subs="push list show pull delete history alias pending approve reject rollback" ;;
    "model rollback"*)
      flags="--ion --node --to"
      local names
      names=$(mlops model list -o name 2>/dev/null | sed 's|^model/||')
      COMPREPLY=($(compgen -W "$names" -- "$cur")) ;;
    "model alias") subs="set" ;;
    store) subs="fsck gc du" ;;
    "model push"*) flags="-n --name --metric --param --label"; COMPREPLY=($(compgen -f -- "$cur")) ;;
    "model list"* | "model show"* | "model pull"* | "model delete"* | "model history"* | "model alias set"* | \
      "model approve"* | "model reject"*)
      flags="-l --selector -d --dir --force --ion --node --comment"
      local names
      names=$(mlops model list -o name 2>/dev/null | sed 's|^model/||')
      COMPREPLY=($(compgen -W "$names $(printf '%s\n' $names | cut -d: -f1 | sort -u)" -- "$cur")) ;;
    "store gc"*) flags="--dry-run" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags $global" -- "$cur"))
  elif [[ -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}
complete -F _mlops mlops
