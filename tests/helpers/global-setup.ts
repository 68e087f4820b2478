/**
 * Runs once before all suites. Says plainly whether the MariaDB/MySQL run happens, so a green run on SQLite alone
 * is never mistaken for a run on both databases.
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_MYSQL_URL;
  if (url) {
    console.log(`\n[tests] Database suites run on SQLite and on MySQL/MariaDB (${url.replace(/\/\/([^:@/]+):[^@]*@/, '//$1:***@')}).`);
  } else {
    console.log('\n[tests] TEST_MYSQL_URL is not set: the MySQL/MariaDB run is SKIPPED; database suites run on SQLite only.');
  }
}
