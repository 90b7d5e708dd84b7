# Issue 30: a listing through system commands, in the format asked for.
# sandbox
for n in 1 2 3 { let d = create "pipe-$n" 64M on 10.0.0.1 }
datasets name 'pipe-*' -o csv | wc -l
# expect: 4
datasets name 'pipe-*' -o json | grep -c '"dataset_id"'
# expect: 3
datasets name 'pipe-*' | head -1 | tr -s ' ' | cut -d' ' -f1-2
# expect: DATASET NAME
let total = 0
for d in (datasets name 'pipe-*') { let total = $total + $d.size }
echo $total
# expect: 192M
let dup = try create pipe-1 64M on 10.0.0.1
echo "null: $dup; $?; $error.message"
# expect: null: ; 1; a dataset named 'pipe-1' already exists
echo "$error.code, still running"
# expect: exists, still running
