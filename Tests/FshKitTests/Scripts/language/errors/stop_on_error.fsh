# A failing command stops the script at its line; later lines do not run.
echo one
# expect: one
datsets
echo never
# expect error: 4:1: unknown command 'datsets'
