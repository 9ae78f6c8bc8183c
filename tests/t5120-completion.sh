#!/bin/sh
# t5120-completion.sh - bash completion of commands, options and lessons
. "${top_srcdir:-$(dirname "$0")/..}/tests/test-lib.sh"

command -v bash >/dev/null 2>&1 || skip_all "bash is not installed"
evidence init >/dev/null

# complete WORD...: what the completion offers for the last WORD, one
# per line, sorted.
complete_words() {
	bash -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _evidence
		printf "%s\n" "${COMPREPLY[@]}"' \
		sh "$top_srcdir/contrib/bash-completion/evidence" "$@" | sort
}

test_expect_success 'the script is valid bash' '
	bash -n "$top_srcdir/contrib/bash-completion/evidence"
'
test_expect_success 'commands' '
	complete_words evidence e >got &&
	printf "%s\n" export >want &&
	test_cmp want got &&
	complete_words evidence "" >all &&
	grep -qx cite all && grep -qx search all && grep -qx help all
'
test_expect_success 'options of a command, from its usage' '
	complete_words evidence cite --s >got &&
	printf "%s\n" --since --style >want &&
	test_cmp want got
'
test_expect_success 'values of --style, --format and search --cite' '
	complete_words evidence cite --style "" >got &&
	printf "%s\n" apa bibtex csl-json ris vancouver >want &&
	test_cmp want got &&
	complete_words evidence export --format c >got &&
	printf "%s\n" csl-json csv >want &&
	test_cmp want got &&
	complete_words evidence search --cite b >got &&
	echo bibtex >want &&
	test_cmp want got
'
test_expect_success 'lesson names come from the collection' '
	complete_words evidence search --lesson "" >got &&
	grep -qx focus got && grep -qx pacing got &&
	grep -qx relationships got &&
	cp "$FIXTURES/lessons/colours.conf" "$EVIDENCE_DIR/lessons.conf" &&
	complete_words evidence search --lesson "" >got &&
	printf "%s\n" colours shapes >want &&
	test_cmp want got
'
test_expect_success 'help completes manual topics' '
	complete_words evidence help query >got &&
	echo query-syntax >want &&
	test_cmp want got
'
test_done
