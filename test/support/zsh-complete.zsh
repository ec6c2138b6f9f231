# zsh -f zsh-complete.zsh DIR LOG WORDS: an interactive zsh (through zsh's own zpty) with DIR
# on fpath and compinit; every candidate its completion offers for WORDS<TAB> is appended
# to LOG between the lines READY and END (compadd wrapped to record what it adds). Each
# wait is bounded (10 s); exit 3 or 4 when zsh did not get that far.
zmodload zsh/zpty
zpty z zsh -f -i
LOG=$2
OUT=''
waitfor() { # $1 ends the log, and the terminal's output matches the pattern $2 (if given)
  local line i
  for i in {1..100}; do
    while zpty -r -t z line; do OUT+=$line; done
    if [[ -f $LOG && "$(<$LOG)" == *$1 ]]; then
      [[ -z $2 || $OUT == $~2 ]] && return 0
    fi
    sleep 0.1
  done
  return 1
}
zpty -w z "PROMPT='ZPROMPT> '; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D; COMPLOG=${(q)2}"
zpty -w z 'compadd() { if (( ${@[(I)-[OAD]*]} )); then builtin compadd "$@"; return; fi; local -a __m; builtin compadd -O __m "$@"; (( $#__m )) && print -rl -- ${^__m} >> $COMPLOG; builtin compadd "$@"; }'
zpty -w z 'print -r -- READY >> $COMPLOG'
OUT=''
# The prompt after that command: zle is reading keys (a TAB typed earlier would reach the tty's line editing).
waitfor READY '*READY >> ?COMPLOG*ZPROMPT>*' || exit 3
zpty -n -w z "$3"$'\t'$'\x15'
zpty -w z 'print -r -- END >> $COMPLOG'
waitfor END || exit 4
zpty -d z
