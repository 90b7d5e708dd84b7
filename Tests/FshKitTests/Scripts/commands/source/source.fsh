# source runs a file in this session: its variables stay defined, and an error in it stops
# the script that sourced it.
let before = kept
source source_helper.txt
echo $from_helper $before
# expect: defined in the helper kept
echo $helper_saw
# expect: kept
