# Issue 30: a command's output through system commands with `|`.
echo hello | tr a-z A-Z
# expect: HELLO
echo 'a|b' "c|d"|tr '|' -
# expect: a-b c-d
let up = (echo quiet | tr a-z A-Z)
echo "<$up>"
# expect: <QUIET>
# The command's own format: JSON in, then through two tools.
echo -o json hello | wc -c | tr -d ' '
# expect: 8
let three = echo one two three | wc -w
echo $three
# expect: 3
if echo web-data | grep -q web { echo found }
# expect: found
if not echo db | grep -q web { echo "not found: $error.message" }
# expect: not found: 'grep' exited with status 1
let t = try echo x | nosuchtool-fsh
echo "$error.code: $error.message"
# expect: not-found: no system command 'nosuchtool-fsh'
echo a | sh -c 'cat; exit 3'
# expect: a
# expect error: 22:10: 'sh' exited with status 3
