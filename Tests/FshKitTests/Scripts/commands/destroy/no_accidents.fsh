# sandbox
# Issue 17: ids need 4 characters; datasets rejects a stray word; sizes compare as bytes.
let one = create acc-one 1G on 10.0.0.1
try destroy 1 --yes
echo $error.message
# expect: no dataset named '1'
echo $error.notes.0
# expect: an id prefix needs at least 4 characters: '1' is too short to name a dataset by its id
echo $error.code
# expect: not-found
try move acc-one to e
echo $error.message
# expect: no node with host 'e'
try create acc-two 1G on e
echo $error.message
# expect: no node with host 'e'
# A word that is not hex names no id at all: it is a name.
try dataset xyz
echo $error.message $error.code
# expect: no dataset named 'xyz' not-found
try wait xyz attached timeout 1s
echo $error.message
# expect: no dataset named 'xyz'
try create acc-one 1G on 10.0.0.2
echo $error.code
# expect: exists
let same = dataset acc-one
if $same.dataset_id == $one.dataset_id { echo "acc-one kept" }
# expect: acc-one kept
try datasets attached
echo $error.message
# expect: unexpected argument 'attached' to 'datasets'
echo $error.notes.0
# expect: did you mean 'datasets status attached'?
try datasets 10.0.0.1
echo $error.notes.0
# expect: did you mean 'datasets on 10.0.0.1'?
try datasets foo
echo $error.notes.0
# expect: did you mean 'datasets name 'foo''?
if $one.size >= 1G { echo "1G >= 1G" }
# expect: 1G >= 1G
if $one.size < 512M { echo wrong } else { echo "1G is not < 512M" }
# expect: 1G is not < 512M
if $one.size == 1024M { echo "1G == 1024M" }
# expect: 1G == 1024M
let gi = create acc-gi 10Gi on 10.0.0.2
echo $gi.size
# expect: 10737418240
try create acc-huge 100P on 10.0.0.1
echo $error.message
# expect: a size above 64T (100P) needs --yes when fsh cannot ask
echo $one.metadata
# expect: {"name":"acc-one"}
let ns = nodes
echo -o csv $ns
# expect: uuid,host,attached,datasets
# expect: *,10.0.0.?,*
# expect: *,10.0.0.?,*
# expect: *,10.0.0.?,*
if $one.size > abc { echo wrong }
# expect error: 61:4: cannot compare a number with 'abc' using '>'
