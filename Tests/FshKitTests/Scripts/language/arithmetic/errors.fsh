# Issue 30: arithmetic says which operand is not a number, and refuses to divide by zero.
let x = abc
let y = try $x + 1
echo $error.message
# expect: 'abc' is not a number: arithmetic works on whole numbers and sizes
echo "$error.line:$error.column"
# expect: 3:13
let y = try 1.5 * 2
echo $error.message
# expect: '1.5' is not a whole number: arithmetic works on whole numbers and sizes
let y = try 1G * 1G
echo $error.message
# expect: cannot multiply a size by a size
let y = try 9223372036854775807 + 1
echo $error.message
# expect: the result of '+' is too large
# `echo` is a command: its words are printed, not added.
echo 1 + 2
# expect: 1 + 2
let zero = 0
let q = 10 / $zero
# expect error: 21:14: division by zero
