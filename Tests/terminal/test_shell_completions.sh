# completions/: each script loads in its shell; `fsh complete` gives fsh's flags, profile names
# after --cluster and, after -c, the same candidates as the interactive shell's Tab.
FSH=$1
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
comp=$root/completions
for tool in zsh fish; do command -v $tool >/dev/null || fail "$tool is not installed (scripts/setup installs it)"; done
bash -n "$comp/fsh.bash" || fail "bash -n completions/fsh.bash"
zsh -n "$comp/_fsh" || fail "zsh -n completions/_fsh"
fish -n "$comp/fsh.fish" || fail "fish -n completions/fsh.fish"
mkdir -p "$T/bin"
ln -s "$FSH" "$T/bin/fsh"
export PATH="$T/bin:$PATH"
# zsh: the function loads and compdef registers it.
zsh -f -c "autoload -Uz compinit && compinit -D -d $T/zcomp && fpath=($comp \$fpath) && autoload -Uz _fsh && source $comp/_fsh && [[ \${_comps[fsh]} == _fsh ]]" \
  || fail "zsh did not register _fsh"

fsh -c 'cluster add prod host 10.9.8.7' >/dev/null 2>&1 || fail "cluster add"
fsh complete -- --clu | grep -qx -- "--cluster" || fail "flags: --clu"
[ "$(fsh complete -- --cluster '')" = "prod" ] || fail "profiles after --cluster: $(fsh complete -- --cluster '')"
fsh complete -- -c 'mo' | grep -qx "move" || fail "command word after -c"

# The same candidates as the REPL's second Tab, for a few lines.
start_sandbox_fsh
type_text "create my-volume 10G on 10.0.0.1"; send Enter
wait_for "name: my-volume" 10 || fail "create failed"
for line in "set " "move my-volume to " "wait my-volume " "cluster " "datasets status " "mo" "use "; do
  wait_last "fsh:sandbox>" 3 || fail "no prompt"
  clear_screen
  # A marker typed after the two Tabs: once it shows at the end of the line, both Tabs were
  # handled (the keys reach fsh in order) and their listing, if any, is above it.
  type_text "$line"; send Tab Tab; type_text "@"
  wait_match "^fsh:sandbox> .*@$" 3 || fail "hang guard: the Tabs after '$line' were not handled in 3 s"
  # The listing (or the completed line when there is one candidate).
  repl=$(screen | sed -e 's/ *$//' -e '/^$/d' | grep -v "^fsh:sandbox>" | tr -s ' ' '\n' | sed '/^$/d' | sort)
  if [ -z "$repl" ]; then
    repl=$(last_line | sed -e "s/^fsh:sandbox> //" -e 's/@$//' -e "s/^$line//" -e 's/ *$//')
  fi
  cli=$(fsh complete -- --sandbox -c "$line" | sed "s/^$line//" | sort)
  [ -n "$cli" ] || fail "fsh complete gave nothing for '$line'"
  [ "$repl" = "$cli" ] || fail "for '$line' the REPL listed [$(echo $repl)] but fsh complete [$(echo $cli)]"
  echo "'$line': $(echo $cli)"
  send C-u
done
fsh complete -- --sandbox -c 'move ' | grep -qx "move my-volume" || fail "fsh complete did not use the persisted names"
# bash runs the function the way it completes.
out=$(bash -c "source $comp/fsh.bash; COMP_WORDS=(fsh --sandbox -c \"'move my\"); COMP_CWORD=3; _fsh; printf '%s\n' \"\${COMPREPLY[@]}\"")
[ "$out" = "'move my-volume" ] || fail "bash completion of a quoted -c text gave [$out]"
out=$(bash -c "source $comp/fsh.bash; COMP_WORDS=(fsh --cluster p); COMP_CWORD=2; _fsh; printf '%s\n' \"\${COMPREPLY[@]}\"")
[ "$out" = "prod" ] || fail "bash --cluster gave [$out]"
# fish, through its own completion machinery.
out=$(fish -c "source $comp/fsh.fish; complete -C 'fsh --sandbox -c \"move my'" | cut -f1)
[ "$out" = "move my-volume" ] || fail "fish gave [$out]"
out=$(fish -c "source $comp/fsh.fish; complete -C 'fsh --cluster '" | cut -f1)
[ "$out" = "prod" ] || fail "fish --cluster gave [$out]"
echo ok
