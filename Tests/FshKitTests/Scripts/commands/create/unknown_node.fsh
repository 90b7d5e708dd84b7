# sandbox
# A script whose seventh line names an unknown node stops there, caret under the node.
let a = 1
let b = 2
let c = 3
echo start
create seventh-line 1G on 9999ffff
echo never
# expect: start
# expect error: 7:27: no node with an id starting '9999ffff' or with host '9999ffff'
