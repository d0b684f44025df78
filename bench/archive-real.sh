#!/bin/bash
# archive-real.sh - bench/archive.sh on the largest real mbox of the shared
# corpus (linux-integrity 2022-2024, 8,000 messages, 74 MB): the first
# 7,999 messages are the archive, the last one is the message added.
# Last line: the same key=value figures as bench/archive.sh.
#   bench/archive-real.sh [CORPUS.mboxrd.xz]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../shared/corpus/mbox/linux-integrity-2022-2024.mboxrd.xz}
[ -f "$src" ] || src=/work/shared/corpus/mbox/linux-integrity-2022-2024.mboxrd.xz
work=${WORKDIR:-/tmp/listd-bench/archive-real}
mkdir -p "$work"
if [ ! -s "$work/corpus.mbox" ] || [ "$src" -nt "$work/corpus.mbox" ]; then
	xz -dc "$src" | python3 -c '
import re, sys
data = sys.stdin.buffer.read()
cut = data.rfind(b"\nFrom mboxrd@z ") + 1
open(sys.argv[1], "wb").write(data[:cut])
extra = data[cut:].split(b"\n", 1)[1]
open(sys.argv[2], "wb").write(re.sub(rb"(?m)^>(>*From )", rb"\1", extra))
' "$work/corpus.mbox" "$work/extra.eml"
fi
WORKDIR=$work exec "$here/archive.sh" --mbox "$work/corpus.mbox" --extra "$work/extra.eml" "$@"
