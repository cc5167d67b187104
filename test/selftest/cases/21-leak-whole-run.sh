# The whole-run leak check (the suite's last case) sees the leak above.
# expect-result: ^FAIL 21-leak-whole-run
# expect-log: ^FAIL: kmemleak: [1-9][0-9]* suspected leaks$
bash "$ACC_REPO/test/cases/99-kmemleak.sh"
