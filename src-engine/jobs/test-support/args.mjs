// Answers the arguments it was given, as JSON, so a test sees exactly what reached the program.
console.log(`::result ${JSON.stringify(process.argv.slice(2))}`);
