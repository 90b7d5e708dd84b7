# Names and metadata are measured as the server measures them: Unicode code points.
# A name of 129 characters (each an e and a combining accent) is 258 code points.
try create ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé 1G on 10.0.0.1
echo $error.message
# expect: invalid dataset name '*'
try create fine 1G on 10.0.0.1 meta note=éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé
echo $error.message
# expect: metadata value for 'note' is longer than 256 characters
