# fish completion for fsh, the Flocker shell: install as ~/.config/fish/completions/fsh.fish.
# Candidates come from `fsh complete -- WORD…`, the engine the interactive shell's Tab uses.

function __fsh_complete
    set -l tokens (commandline -opc)
    # The raw token may start with the quote of a -c text; fish re-quotes what we return.
    set -l current (string replace -r -- '^[\'"]' '' (commandline -ct))
    fsh complete -- $tokens[2..-1] "$current" 2>/dev/null
end

complete -c fsh -s c -x -a '(__fsh_complete)' -d 'Run COMMANDS and exit'
complete -c fsh -l cluster -x -a '(__fsh_complete)' -d 'Use the named cluster profile'
complete -c fsh -l host -x -d 'Control service host name or IP'
complete -c fsh -l port -x -d 'Control service REST API port'
complete -c fsh -l certs -r -a '(__fish_complete_directories)' -d 'Certificate directory'
complete -c fsh -l user -x -d 'API user'
complete -c fsh -l ca -r -F -d 'Cluster CA certificate'
complete -c fsh -l cert -r -F -d 'API user certificate'
complete -c fsh -l key -r -F -d 'API user private key'
complete -c fsh -s o -l output -x -a 'table json csv' -d 'Result format'
complete -c fsh -l color -x -a 'auto always never' -d 'Colour'
complete -c fsh -s q -l quiet -d 'Print only results and errors'
complete -c fsh -s v -l verbose -d 'Trace HTTP requests'
complete -c fsh -l sandbox -d 'Start the sandbox control service'
complete -c fsh -l norc -d 'Do not run the rc file'
complete -c fsh -l version -d 'Show the version'
complete -c fsh -s h -l help -d 'Show help'
# The script to run (and its arguments): files.
complete -c fsh -F
