// ml-regression ships no type declarations; its simple linear regression is the typed package it re-exports.
declare module 'ml-regression' {
  export { SimpleLinearRegression } from 'ml-regression-simple-linear';
}
