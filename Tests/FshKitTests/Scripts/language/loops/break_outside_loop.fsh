# 'break' and 'continue' are grammar: outside a for or while body the script does not parse,
# so nothing of it runs (issue 32). Inside an 'if' within a loop they are fine.
echo never shown
for x in a b { if $x == a { continue }; echo $x }
if true { break }
# expect error: 5:11: 'break' outside a loop
# expect status: 2
