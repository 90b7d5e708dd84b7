# sandbox
# Two datasets with one name: the error lists both ids; an id prefix matching ten datasets
# lists eight and says how many more.
let a = create twin-x 1G on 10.0.0.1
let b = create twin-x 1G on 10.0.0.2 --force
try move twin-x to 10.0.0.3
echo $error.message
# expect: 2 datasets are named 'twin-x'
if $error.notes.0 =~ "name one by id: *$a.dataset_id*" and $error.notes.0 =~ "*$b.dataset_id*" {
  echo both candidates listed
}
# expect: both candidates listed
for i in 0 1 2 3 4 5 6 7 8 9 {
  let d = create "many-$i" 1G on 10.0.0.1 id "abcd000$i-0000-4000-8000-000000000000"
}
try dataset abcd
echo $error.message
# expect: 'abcd' matches 10 datasets
echo $error.notes.0
# expect: give more of the id: many-? abcd000?-*, many-? *, many-? *, many-? *, many-? *, many-? *, many-? *, many-? abcd000?-0000-4000-8000-000000000000 and 2 more
move twin-x to 10.0.0.3
# expect error: 21:6: 2 datasets are named 'twin-x'
