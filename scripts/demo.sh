#!/bin/sh
# demo.sh - build a demo home in ./var with two sample districts, their
# lists and members from demo/*.csv, and show what was made.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
export LISTD_HOME="$top/var"
ctl="$top/$build/bin/listctl"
rm -rf "$LISTD_HOME"
mkdir -p "$LISTD_HOME"

echo "== listd demo: home is $LISTD_HOME"
$ctl district add bethel --domain bethel.example.org --name "Bethel School District" --students-email yes
$ctl district add riverside --domain riverside.example.org --name "Riverside Unified" --students-email no
$ctl list create news@bethel.example.org --kind announcement --description "District news for families" --archive public
$ctl list create teachers@bethel.example.org --kind discussion --description "Teachers' discussion" --subject-prefix "[teachers]"
$ctl list create board@riverside.example.org --kind discussion --description "School board" --policy moderated
$ctl member import news@bethel.example.org "$top/demo/bethel-families.csv"
$ctl member import board@riverside.example.org "$top/demo/riverside-board.csv"
$ctl member add teachers@bethel.example.org principal@bethel.example.org --name "Pat Principal" --role owner
echo
echo "== districts"
$ctl district list
echo
echo "== lists"
$ctl list list
echo
echo "== first members of news@bethel.example.org"
$ctl member list news@bethel.example.org | head -5
echo
echo "== archive of teachers@bethel.example.org (synthetic sample mbox)"
$ctl archive import teachers@bethel.example.org "$top/demo/teachers-archive.mbox"
$ctl archive search teachers@bethel.example.org "snow day" | head -4
echo "archive index page: $($ctl --json archive show teachers@bethel.example.org | sed -n 's/.*"index": *"\([^"]*\)".*/\1/p')"
