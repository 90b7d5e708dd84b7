# bash completion for fsh, the Flocker shell. Source it, or install it as
# /usr/share/bash-completion/completions/fsh (scripts/install does).
# fsh's own flags, profile names after --cluster, and the commands in a -c text all come from
# `fsh complete -- WORD…`, the engine the interactive shell's Tab uses.
_fsh() {
  local cur words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion -n =: || return
  else
    cur=${COMP_WORDS[COMP_CWORD]}
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  fi
  local prev=${words[cword - 1]}
  case $prev in
  --certs)
    COMPREPLY=($(compgen -d -- "$cur"))
    return
    ;;
  --ca | --cert | --key)
    COMPREPLY=($(compgen -f -- "$cur"))
    return
    ;;
  esac
  # A -c text: complete its last word; keep an opening quote the user typed.
  local quote=""
  if [[ $prev == -c && ($cur == \'* || $cur == \"*) ]]; then
    quote=${cur:0:1}
    cur=${cur:1}
  fi
  local line IFS=$'\n'
  COMPREPLY=()
  while IFS= read -r line; do
    COMPREPLY+=("$quote$line")
  done < <(fsh complete -- "${words[@]:1:cword-1}" "$cur" 2>/dev/null)
  if [[ $prev == -c ]]; then
    compopt -o nospace 2>/dev/null
    [[ -z $quote ]] && compopt -o filenames 2>/dev/null
  elif [[ ${#COMPREPLY[@]} -eq 0 && $cur != -* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
    compopt -o filenames 2>/dev/null
  fi
}
complete -F _fsh fsh
