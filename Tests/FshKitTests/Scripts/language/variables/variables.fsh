# Variables, interpolation and quoting.
let app = web
let name = "$app-data"
echo $name
# expect: web-data
echo "${app}.fsh" '$app' "\$app"
# expect: web.fsh $app $app
let n = 3
echo "n is $n"; echo done
# expect: n is 3
# expect: done
echo a \
  b
# expect: a b
echo $FSH_TEST
# expect: yes
