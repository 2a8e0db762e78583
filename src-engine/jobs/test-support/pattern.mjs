// Progress the way many tools print it (percent and file name), no line protocol; the last line is the result.
for (const [percent, file] of [[10, 'a.txt'], [55, 'b.txt'], [90, 'c.txt']]) console.log(`${percent}% copying ${file}`);
console.log('copied 3 files');
