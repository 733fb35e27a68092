/**
 * The completion scripts `ejctl completion SHELL` prints. Each asks `ejctl __complete WORDS...`
 * (the words after `ejctl` up to the cursor, the last one being completed) and reads one
 * candidate per line, `VALUE<TAB>DESCRIPTION`; `:files` asks for file names, `:hint TEXT` is
 * something to show without inserting it (the argument names of an ejabberd command).
 */

const BASH = `# bash completion for ejctl: ejctl completion bash > /usr/share/bash-completion/completions/ejctl
_ejctl() {
  local cur=\${COMP_WORDS[COMP_CWORD]} line files=0
  COMPREPLY=()
  while IFS= read -r line; do
    case $line in
      :files) files=1 ;;
      :hint*) ;;
      *) COMPREPLY+=("\${line%%$'\\t'*}") ;;
    esac
  done < <("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  if [ "$files" = 1 ]; then mapfile -t COMPREPLY < <(compgen -f -- "$cur"); fi
}
complete -F _ejctl ejctl
`;

const ZSH = `#compdef ejctl
# zsh completion for ejctl: ejctl completion zsh > "\${fpath[1]}/_ejctl"
_ejctl() {
  local -a cands
  local line hint files=0
  for line in "\${(@f)$("\${words[1]}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}"; do
    case $line in
      :files) files=1 ;;
      :hint\\ *) hint=\${line#:hint } ;;
      ?*) cands+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}") ;;
    esac
  done
  if (( files )); then _files; return; fi
  if (( \${#cands} )); then _describe -t ejctl 'ejctl' cands; return; fi
  [[ -n $hint ]] && _message -r "$hint"
}
if [ "$funcstack[1]" = "_ejctl" ]; then _ejctl "$@"; else compdef _ejctl ejctl; fi
`;

const FISH = `# fish completion for ejctl: ejctl completion fish > ~/.config/fish/completions/ejctl.fish
function __ejctl_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -e words[1]
    for line in (ejctl __complete $words "$cur" 2>/dev/null)
        switch $line
            case ':files'
                __fish_complete_path "$cur"
            case ':hint*'
            case '*'
                echo $line
        end
    end
end
complete -c ejctl -f -a '(__ejctl_complete)'
`;

export const COMPLETION_SCRIPTS: Record<string, string> = { bash: BASH, zsh: ZSH, fish: FISH };
