import './base.css';
import './questions.css';
